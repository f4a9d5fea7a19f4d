import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../../config/app-config';
import { FieldCipher } from './field-cipher';

/** The field cipher for sensitive columns, for the server and the CLI (re-encryption). */
@Global()
@Module({
  providers: [
    {
      provide: FieldCipher,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const crypto = config.get('crypto', { infer: true });
        return new FieldCipher(crypto.dataEncryptionKey, crypto.previousKeys);
      },
    },
  ],
  exports: [FieldCipher],
})
export class CryptoModule {}
