import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC, REQUIRED_PERMISSIONS } from './decorators';
import { hasPermission, type Permission } from './permissions';

/**
 * Global, after authentication: the caller's role must hold every permission the route
 * declares. A non-public route that declares none is refused (deny by default).
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  private readonly logger = new Logger(PermissionGuard.name);

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const required = this.reflector.getAllAndOverride<Permission[]>(REQUIRED_PERMISSIONS, targets);
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets);
    if (isPublic && !required) return true;
    const user = context.switchToHttp().getRequest<Request>().user;
    if (!required?.length) {
      this.logger.error(
        `${context.getClass().name}.${context.getHandler().name} declares no permission`,
      );
      throw new ForbiddenException('This route is not open to any role.');
    }
    if (!user || !required.every((permission) => hasPermission(user.role, permission))) {
      throw new ForbiddenException(`Your role (${user?.role ?? 'anonymous'}) may not do this.`);
    }
    return true;
  }
}
