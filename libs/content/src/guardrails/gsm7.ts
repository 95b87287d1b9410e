/**
 * SMS length the way a carrier counts it: GSM 03.38 basic characters take one septet, the extension table
 * (€, brackets, …) two; one character outside both switches the whole message to UCS-2 with 70 units.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '^{}\\[~]|€\f';
const BASIC_SET = new Set(BASIC);
const EXTENSION_SET = new Set(EXTENSION);

export interface SmsLength {
  readonly encoding: 'gsm7' | 'ucs2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  readonly units: number;
  /** Units one single message holds in this encoding. */
  readonly singleMessageUnits: 160 | 70;
}

export function smsLength(text: string): SmsLength {
  let septets = 0;
  for (const char of text) {
    if (BASIC_SET.has(char)) septets += 1;
    else if (EXTENSION_SET.has(char)) septets += 2;
    else return { encoding: 'ucs2', units: text.length, singleMessageUnits: 70 };
  }
  return { encoding: 'gsm7', units: septets, singleMessageUnits: 160 };
}
