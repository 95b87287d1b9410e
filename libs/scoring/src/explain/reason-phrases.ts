/** How a reason reads when the customer's value lies above (`higher`) or below (`lower`) the reference customer's. */
export interface ReasonPhrase {
  readonly en: { readonly higher: string; readonly lower: string };
  readonly de: { readonly higher: string; readonly lower: string };
}

function phrase(enHigher: string, enLower: string, deHigher: string, deLower: string): ReasonPhrase {
  return { en: { higher: enHigher, lower: enLower }, de: { higher: deHigher, lower: deLower } };
}

function countPhrase(en: string, de: string): ReasonPhrase {
  return phrase(`Many ${en}`, `Few ${en}`, `Viele ${de}`, `Wenige ${de}`);
}

/** For timestamp features the natural value is "days ago": higher means longer ago. */
function recencyPhrase(enWhat: string, deWhat: string): ReasonPhrase {
  return phrase(`Long time since the last ${enWhat}`, `Recent ${enWhat}`, `Lange keine ${deWhat} mehr`, `Kürzlich ${deWhat}`);
}

/**
 * Plain-language reasons per feature, in English and German, for the reason codes a score carries. Written for
 * customers' advisers and for the data subject's right to an explanation: no jargon, no numbers.
 */
export const REASON_PHRASES: Readonly<Record<string, ReasonPhrase>> = {
  card_transactions_count_7d: countPhrase('card payments in the last 7 days', 'Kartenzahlungen in den letzten 7 Tagen'),
  card_transactions_count_30d: countPhrase('card payments in the last 30 days', 'Kartenzahlungen in den letzten 30 Tagen'),
  card_transactions_count_90d: countPhrase('card payments in the last 90 days', 'Kartenzahlungen in den letzten 90 Tagen'),
  card_transactions_count_lifetime: countPhrase('card payments overall', 'Kartenzahlungen insgesamt'),
  credit_card_transactions_count_30d: countPhrase('credit card payments in the last 30 days', 'Kreditkartenzahlungen in den letzten 30 Tagen'),
  card_spend_sum_30d: phrase('High card spending in the last 30 days', 'Low card spending in the last 30 days', 'Hohe Kartenumsätze in den letzten 30 Tagen', 'Geringe Kartenumsätze in den letzten 30 Tagen'),
  distinct_merchant_categories_30d: phrase(
    'Card used in many kinds of shops',
    'Card used in few kinds of shops',
    'Karte in vielen Branchen eingesetzt',
    'Karte in wenigen Branchen eingesetzt',
  ),
  last_card_transaction_at: recencyPhrase('card payment', 'Kartenzahlung'),
  logins_count_7d: countPhrase('logins in the last 7 days', 'Anmeldungen in den letzten 7 Tagen'),
  logins_count_30d: countPhrase('logins in the last 30 days', 'Anmeldungen in den letzten 30 Tagen'),
  logins_count_90d: countPhrase('logins in the last 90 days', 'Anmeldungen in den letzten 90 Tagen'),
  app_logins_count_30d: countPhrase('app logins in the last 30 days', 'App-Anmeldungen in den letzten 30 Tagen'),
  last_login_at: recencyPhrase('login', 'Anmeldung'),
  page_views_count_7d: countPhrase('pages viewed in online banking in the last 7 days', 'aufgerufene Seiten im Online-Banking in den letzten 7 Tagen'),
  page_views_count_30d: countPhrase('pages viewed in online banking in the last 30 days', 'aufgerufene Seiten im Online-Banking in den letzten 30 Tagen'),
  account_leaving_page_views_count_30d: phrase(
    'Read about fees, switching or closing the account',
    'Did not read about fees, switching or closing the account',
    'Hat sich über Gebühren, Kontowechsel oder Kündigung informiert',
    'Hat sich nicht über Gebühren, Kontowechsel oder Kündigung informiert',
  ),
  complaints_count_30d: countPhrase('complaints in the last 30 days', 'Beschwerden in den letzten 30 Tagen'),
  complaints_count_90d: countPhrase('complaints in the last 90 days', 'Beschwerden in den letzten 90 Tagen'),
  service_calls_count_30d: countPhrase('calls to the hotline in the last 30 days', 'Anrufe bei der Hotline in den letzten 30 Tagen'),
  calls_count_7d: countPhrase('calls to the hotline in the last 7 days', 'Anrufe bei der Hotline in den letzten 7 Tagen'),
  credit_card_page_views_count_7d: countPhrase('looks at the credit card offer this week', 'Aufrufe des Kreditkartenangebots in dieser Woche'),
  credit_card_page_views_count_30d: countPhrase('looks at the credit card offer this month', 'Aufrufe des Kreditkartenangebots in diesem Monat'),
  installment_loan_page_views_count_7d: countPhrase('looks at the loan offer this week', 'Aufrufe des Kreditangebots in dieser Woche'),
  installment_loan_page_views_count_30d: countPhrase('looks at the loan offer this month', 'Aufrufe des Kreditangebots in diesem Monat'),
  debit_card_page_views_count_7d: countPhrase('looks at the debit card offer this week', 'Aufrufe des Debitkartenangebots in dieser Woche'),
  debit_card_page_views_count_30d: countPhrase('looks at the debit card offer this month', 'Aufrufe des Debitkartenangebots in diesem Monat'),
  registered_at: phrase('Long-standing customer', 'New customer', 'Langjährige Kundenbeziehung', 'Neue Kundenbeziehung'),
  checking_balance: phrase('High balance on the checking account', 'Low balance on the checking account', 'Hohes Guthaben auf dem Girokonto', 'Niedriges Guthaben auf dem Girokonto'),
  credit_card_balance: phrase('High amount owed on the credit card', 'Low amount owed on the credit card', 'Hoher offener Betrag auf der Kreditkarte', 'Niedriger offener Betrag auf der Kreditkarte'),
  credit_card_limit: phrase('High credit card limit', 'Low credit card limit', 'Hoher Kreditkartenrahmen', 'Niedriger Kreditkartenrahmen'),
  messages_clicked_count_30d: countPhrase('clicks on our messages', 'Klicks auf unsere Nachrichten'),
  messages_engaged_count_30d: countPhrase('opened or clicked messages', 'geöffnete oder angeklickte Nachrichten'),
  messages_delivered_count_30d: countPhrase('messages received from us', 'erhaltene Nachrichten von uns'),
};

/** A phrase for any feature: the catalog's, or a neutral one naming the feature. */
export function reasonPhraseFor(feature: string): ReasonPhrase {
  return (
    REASON_PHRASES[feature] ??
    phrase(`"${feature}" is higher than for a typical customer`, `"${feature}" is lower than for a typical customer`, `„${feature}“ liegt über dem Üblichen`, `„${feature}“ liegt unter dem Üblichen`)
  );
}
