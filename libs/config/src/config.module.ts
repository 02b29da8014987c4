import { Global, Module } from '@nestjs/common';
import { loadConfig } from './config.js';

export const RATSWEG_CONFIG = Symbol('RATSWEG_CONFIG');

/** Makes the validated configuration injectable as `RATSWEG_CONFIG`. */
@Global()
@Module({
  providers: [{ provide: RATSWEG_CONFIG, useFactory: () => loadConfig() }],
  exports: [RATSWEG_CONFIG],
})
export class ConfigModule {}
