import type { ProductKind } from '@kairos/contracts';
import type { ContentLanguage, ContentTone } from '../vocabulary/content-vocabulary';

/** The offline drafter's phrase book: reviewed copy per product and language, free of claims by construction. */
export interface ProductCopy {
  readonly name: string;
  readonly benefit: string;
  readonly short: string;
}

export const PRODUCT_COPY: Readonly<Record<ContentLanguage, Readonly<Record<ProductKind, ProductCopy>>>> = {
  de: {
    checking_account: { name: 'Girokonto', benefit: 'Mit Ihrem Girokonto erledigen Sie Ihre Bankgeschäfte bequem in der App.', short: 'Ihr Girokonto ist jetzt in der App für Sie bereit.' },
    savings_account: { name: 'Tagesgeldkonto', benefit: 'Mit dem Tagesgeldkonto legen Sie Geld flexibel zur Seite und bleiben jederzeit verfügbar.', short: 'Mit dem Tagesgeldkonto legen Sie flexibel Geld zur Seite.' },
    credit_card: { name: 'Kreditkarte', benefit: 'Mit Ihrer Kreditkarte bezahlen Sie weltweit bequem und kontaktlos.', short: 'Ihre Kreditkarte ist bereit für den ersten Einsatz.' },
    debit_card: { name: 'Debitkarte', benefit: 'Mit der Debitkarte bezahlen Sie direkt von Ihrem Konto, im Laden und online.', short: 'Mit der Debitkarte bezahlen Sie direkt von Ihrem Konto.' },
    installment_loan: { name: 'Ratenkredit', benefit: 'Mit einem Ratenkredit verteilen Sie größere Anschaffungen auf planbare Monatsraten.', short: 'Ein Ratenkredit verteilt größere Anschaffungen auf feste Raten.' },
    mortgage: { name: 'Baufinanzierung', benefit: 'Unsere Beratung zur Baufinanzierung hilft Ihnen, Ihr Zuhause solide zu planen.', short: 'Wir beraten Sie gern zu Ihrer Baufinanzierung.' },
    depot: { name: 'Depot', benefit: 'In Ihrem Depot behalten Sie Ihre Wertpapiere jederzeit im Blick. Kapitalanlagen sind mit Risiken verbunden.', short: 'Behalten Sie Ihre Wertpapiere in der App im Blick.' },
    insurance: { name: 'Versicherung', benefit: 'Mit der passenden Versicherung sind Sie für wichtige Fälle vorbereitet.', short: 'Wir zeigen Ihnen, welche Versicherung zu Ihnen passt.' },
  },
  en: {
    checking_account: { name: 'current account', benefit: 'With your current account you can do your banking conveniently in the app.', short: 'Your current account is now ready for you in the app.' },
    savings_account: { name: 'savings account', benefit: 'With the savings account you can put money aside flexibly and keep it available at any time.', short: 'With the savings account you can put money aside flexibly.' },
    credit_card: { name: 'credit card', benefit: 'With your credit card you can pay conveniently and contactless all over the world.', short: 'Your credit card is ready for its first use.' },
    debit_card: { name: 'debit card', benefit: 'With the debit card you pay directly from your account, in shops and online.', short: 'With the debit card you pay directly from your account.' },
    installment_loan: { name: 'personal loan', benefit: 'With a personal loan you can spread larger purchases over predictable monthly instalments.', short: 'A personal loan spreads larger purchases over fixed instalments.' },
    mortgage: { name: 'mortgage', benefit: 'Our mortgage advice helps you plan your home on a sound footing.', short: 'We are happy to advise you on your mortgage.' },
    depot: { name: 'investment account', benefit: 'In your investment account you can keep track of your securities at any time. Investments involve risks.', short: 'Keep track of your securities in the app.' },
    insurance: { name: 'insurance', benefit: 'With the right insurance you are prepared for the important things in life.', short: 'We show you which insurance suits you.' },
  },
};

/** Sentences by language; `{name}` is the product name. One entry per variant style. */
export const TEMPLATE_PHRASES = {
  de: {
    greetings: ['Guten Tag {{ customer.firstName }},', 'Hallo {{ customer.firstName }},', '{{ customer.salutation }} {{ customer.lastName }},'],
    subjects: ['Informationen zum Thema {name}', '{name}: das Wichtigste in Kürze', 'Neu für Sie: Ihr Thema {name}'],
    preheaders: ['Alles Wichtige auf einen Blick.', 'Jetzt in Ihrer Kairos App ansehen.', 'Wir haben die Details für Sie zusammengestellt.'],
    ctas: ['Jetzt ansehen', 'Mehr erfahren', 'Zur App'],
    pushTitles: ['Neu für Sie: {name}', 'Ein Hinweis zum Thema {name}', 'Thema {name}'],
    details: 'Alle Details finden Sie in Ihrer App und unter https://www.kairos-bank.example.',
    smsTail: 'Mehr in Ihrer Kairos App.',
    note: 'Bitte beachten Sie:',
    terms: 'Sollzins {nominal} % p. a., effektiver Jahreszins {effective} %. Repräsentatives Beispiel: {example}',
    signOff: 'Ihre Kairos Bank',
    callOpen: 'Guten Tag, hier ist die Kairos Bank. Ich melde mich zum Thema {name}.',
    callClose: 'Haben Sie dazu Fragen? Ich nehme mir gern Zeit für Sie.',
  },
  en: {
    greetings: ['Hello {{ customer.firstName }},', 'Hi {{ customer.firstName }},', 'Dear {{ customer.salutation }} {{ customer.lastName }},'],
    subjects: ['Information about your {name}', 'Your {name}: the key facts', 'New for you: your {name}'],
    preheaders: ['Everything important at a glance.', 'See it now in your Kairos app.', 'We have put the details together for you.'],
    ctas: ['View now', 'Learn more', 'Open the app'],
    pushTitles: ['New for you: your {name}', 'A note about your {name}', 'Your {name}'],
    details: 'You can find all the details in your app and at https://www.kairos-bank.example.',
    smsTail: 'More in your Kairos app.',
    note: 'Please note:',
    terms: 'Borrowing rate {nominal} % p.a., APR {effective} %. Representative example: {example}',
    signOff: 'Your Kairos Bank',
    callOpen: 'Hello, this is Kairos Bank calling. I am calling about your {name}.',
    callClose: 'Do you have any questions about this? I am happy to take the time for you.',
  },
} as const;

/** Which greeting style comes first for a tone; the further variants take the next styles. */
export const TONE_STYLE: Readonly<Record<ContentTone, number>> = { neutral: 0, friendly: 1, encouraging: 1, formal: 2 };
