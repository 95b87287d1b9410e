import { DynamicModule, Module } from '@nestjs/common';
import { ConsentGate } from './consent-gate.service';
import { ConsentLedgerService, ConsentLedgerServiceOptions } from './consent-ledger.service';
import type { ConsentStateReader } from './consent-ports';
import { ConsentsController } from './consents.controller';

/** What the runtime binds for the consent module: the ledger service's ports plus the owning worker's consent states. */
export interface ConsentModuleOptions extends ConsentLedgerServiceOptions {
  readonly states: ConsentStateReader;
}

/**
 * Consent, objections and the consent gate. `register` builds the services from the bound ports; the module
 * exports `ConsentGate` (for decisioning, scoring, content) and `ConsentLedgerService`. `http: false` leaves the
 * controllers out, for process roles without an API.
 */
@Module({})
export class ConsentModule {
  static register(options: ConsentModuleOptions, mount: { readonly http?: boolean } = {}): DynamicModule {
    const ledgerService = new ConsentLedgerService({ ...options, logger: options.logger.child({ component: 'consent-ledger' }) });
    const gate = new ConsentGate({ states: options.states, audit: options.audit, policy: options.registry.policy, erasures: options.erasures });
    const providers = [
      { provide: ConsentLedgerService, useValue: ledgerService },
      { provide: ConsentGate, useValue: gate },
    ];
    return { module: ConsentModule, controllers: mount.http === false ? [] : [ConsentsController], providers, exports: [ConsentLedgerService, ConsentGate] };
  }
}
