import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AbilityFactory } from '../ability/ability-factory';
import { ApiKeyService } from '../api-keys/api-key.service';
import { BearerAuthenticator } from '../authentication/bearer-authenticator';
import { JwtVerifier } from '../jwt/jwt-verifier';
import { loadPolicyFile, type ValidatedPolicy } from '../policy/policy-loader';
import { AccessGuard } from './access.guard';
import { resolveAccessSettings } from './access-settings';
import { ACCESS_MODULE_OPTIONS, DEFAULT_API_KEY_CACHE_TTL_MS, type AccessModuleOptions } from './access-options';

/**
 * Authentication (API keys, JWT) and authorization (CASL, policies as data) for every HTTP route. forRoot registers
 * the global deny-by-default guard; import it once, in the root module of each process.
 */
@Module({})
export class AccessModule {
  static forRoot(options: AccessModuleOptions): DynamicModule {
    const settings = resolveAccessSettings(options);
    const policy: ValidatedPolicy = typeof options.policy === 'object' ? options.policy : loadPolicyFile(options.policy);
    return {
      module: AccessModule,
      global: true,
      providers: [
        { provide: ACCESS_MODULE_OPTIONS, useValue: options },
        { provide: AbilityFactory, useValue: new AbilityFactory(policy) },
        {
          provide: ApiKeyService,
          useFactory: async () => {
            const service = new ApiKeyService({
              store: options.apiKeyStore,
              pepper: settings.pepper,
              demoKeysAllowed: settings.demoKeysAllowed,
              positiveCacheTtlMs: options.apiKeyCacheTtlMs ?? DEFAULT_API_KEY_CACHE_TTL_MS,
            });
            if (settings.demoKeysAllowed && options.seedDemoKeys !== false) await service.seedDemoKeys();
            return service;
          },
        },
        {
          provide: BearerAuthenticator,
          useFactory: (apiKeys: ApiKeyService) => new BearerAuthenticator(apiKeys, options.jwt === undefined ? null : new JwtVerifier(options.jwt)),
          inject: [ApiKeyService],
        },
        AccessGuard,
        { provide: APP_GUARD, useExisting: AccessGuard },
      ],
      exports: [AbilityFactory, ApiKeyService],
    };
  }
}
