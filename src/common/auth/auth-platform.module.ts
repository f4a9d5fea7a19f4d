import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { createSecretKey } from 'node:crypto';
import type { AppConfig } from '../../config/app-config';
import { AccessTokenService } from './access-token.service';
import { isLoginRateLimited } from './decorators';
import { RateLimitStorage, RateLimitStorageModule } from './rate-limit.storage';

/** Token verification and rate-limit storage; the guards themselves are bound in AppModule. */
@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const auth = config.get('auth', { infer: true });
        return {
          // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails)
          // to parse it as a public key on every call, ~50 times the cost of the HMAC itself.
          secret: createSecretKey(Buffer.from(auth.secretKey)),
          signOptions: { algorithm: 'HS256', expiresIn: auth.accessTokenMinutes * 60 },
          verifyOptions: { algorithms: ['HS256'] },
        };
      },
    }),
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [ConfigService, RateLimitStorage],
      useFactory: (config: ConfigService<AppConfig, true>, storage: RateLimitStorage) => {
        const throttle = config.get('throttle', { infer: true });
        return {
          throttlers: [
            { name: 'default', limit: throttle.limit, ttl: throttle.ttlSeconds * 1000 },
            // Only on routes marked @LoginRateLimit(), counted per client IP.
            {
              name: 'login',
              limit: throttle.loginLimit,
              ttl: throttle.loginTtlSeconds * 1000,
              skipIf: (context) => !isLoginRateLimited(context.getHandler()),
              getTracker: (request) => `ip:${(request as { ip?: string }).ip}`,
            },
          ],
          storage,
        };
      },
    }),
  ],
  providers: [AccessTokenService],
  exports: [AccessTokenService, JwtModule],
})
export class AuthPlatformModule {}
