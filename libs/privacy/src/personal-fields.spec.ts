import { eventDataSchemas } from '@kairos/contracts';
import { PERSONAL_FIELDS, personalFieldsOf, readField, withField } from './personal-fields';

interface SchemaLike {
  readonly _zod: { readonly def: { readonly type: string; readonly innerType?: SchemaLike } };
  readonly shape?: Record<string, SchemaLike>;
}

function fieldSchema(type: keyof typeof eventDataSchemas, segments: readonly string[]): SchemaLike | undefined {
  let schema: SchemaLike | undefined = eventDataSchemas[type] as unknown as SchemaLike;
  for (const segment of segments) {
    while (schema && schema._zod.def.type === 'optional') schema = schema._zod.def.innerType;
    schema = schema?.shape?.[segment];
  }
  while (schema && schema._zod.def.type === 'optional') schema = schema._zod.def.innerType;
  return schema;
}

describe('personal fields', () => {
  it('name fields that exist in the event catalog', () => {
    for (const [type, paths] of Object.entries(PERSONAL_FIELDS)) {
      for (const path of paths ?? []) expect([type, path, fieldSchema(type as keyof typeof eventDataSchemas, path.split('.')) !== undefined]).toEqual([type, path, true]);
    }
  });

  it('are looked up per type; types without personal data have none', () => {
    expect(personalFieldsOf('customer_registered')?.map((f) => f.path)).toEqual(['firstName', 'lastName', 'contact.email', 'contact.phone', 'birthDate']);
    expect(personalFieldsOf('card_transaction')).toBeUndefined();
  });

  it('are read and replaced along nested paths without touching the input', () => {
    const data = Object.freeze({ contact: Object.freeze({ email: 'a@b.de', phone: '+4930123456' }), country: 'DE' });
    expect(readField(data, ['contact', 'email'])).toBe('a@b.de');
    expect(readField(data, ['contact', 'fax'])).toBeUndefined();
    expect(readField(data, ['country', 'x'])).toBeUndefined();
    expect(withField(data, ['contact', 'email'], 'sealed')).toEqual({ contact: { email: 'sealed', phone: '+4930123456' }, country: 'DE' });
    expect(withField(data, ['contact', 'email'], undefined)).toEqual({ contact: { phone: '+4930123456' }, country: 'DE' });
    expect(withField(withField(data, ['contact', 'email'], undefined), ['contact', 'phone'], undefined)).toEqual({ country: 'DE' });
    expect(data.contact.email).toBe('a@b.de');
  });
});
