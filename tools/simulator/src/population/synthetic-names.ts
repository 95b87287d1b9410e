/**
 * Small, fixed name lists: combinations look plausible in a demo but belong to no one, and every address is at
 * example.org (RFC 2606), so no real mailbox can ever be reached from simulated data.
 */
export const FIRST_NAMES = [
  'Anna', 'Lukas', 'Mia', 'Leon', 'Emma', 'Paul', 'Hannah', 'Finn', 'Sophie', 'Jonas', 'Lena', 'Felix', 'Marie',
  'Noah', 'Laura', 'Max', 'Julia', 'Elias', 'Lea', 'Ben', 'Jürgen', 'Sabine', 'Thomas', 'Petra', 'Michael',
  'Ursula', 'Klaus', 'Monika', 'Stefan', 'Andrea', 'Günter', 'Renate', 'Jörg', 'Käthe', 'Olivia', 'James',
  'Amelia', 'Oliver', 'Chloé', 'Lucas', 'Sofia', 'Mateo', 'Zofia', 'Jan', 'Eleni', 'Nikos',
] as const;

export const LAST_NAMES = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann',
  'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger',
  'Hofmann', 'Hartmann', 'Lange', 'Weiß', 'Köhler', 'Beispiel', 'Mustermann', 'Musterfrau', 'Smith', 'Jones',
  'Taylor', 'Dubois', 'Martin', 'García', 'Kowalski', 'Papadopoulos', 'de Vries', 'Bakker',
] as const;

const TRANSLITERATION: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', é: 'e', í: 'i', á: 'a' };

/** `anna.mueller.17@example.org`: ASCII, unique per customer through its index. */
export function syntheticEmail(firstName: string, lastName: string, customerIndex: number): string {
  return `${mailboxPart(firstName)}.${mailboxPart(lastName)}.${customerIndex}@example.org`;
}

function mailboxPart(name: string): string {
  return name
    .toLowerCase()
    .replace(/[äöüßéíá]/g, (ch) => TRANSLITERATION[ch])
    .replace(/[^a-z]/g, '');
}
