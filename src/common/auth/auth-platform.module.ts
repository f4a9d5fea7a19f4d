import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { AppConfig } from '../../config/app-config';
import { AccessTokenService } from './access-token.service';

/** Token verification and rate-limit storage; the guards themselves are bound in AppModule. */
@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const auth = config.get('auth', { infer: true });
        return {
          secret: auth.secretKey,
          signOptions: { algorithm: 'HS256', expiresIn: auth.accessTokenMinutes * 60 },
          verifyOptions: { algorithms: ['HS256'] },
        };
      },
    }),
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const throttle = config.get('throttle', { infer: true });
        const redisUrl = config.get('redis', { infer: true }).url;
        return {
          throttlers: [{ name: 'default', limit: throttle.limit, ttl: throttle.ttlSeconds * 1000 }],
          // Shared counters when several instances run; in memory otherwise.
          storage: redisUrl ? new ThrottlerStorageRedisService(redisUrl) : undefined,
        };
      },
    }),
  ],
  providers: [AccessTokenService],
  exports: [AccessTokenService, JwtModule],
})
export class AuthPlatformModule {}
