/**
 * A messy synthetic people set for identity evaluation (#22), from a seed: persons drawn
 * with realistic name-frequency skew (Zipf-Mandelbrot over ranked name lists), each written as a
 * cluster of 1-6 records in the FEBRL layout `scripts/evalIdentity.ts` reads. Only first
 * name, surname, city, date of birth and email are filled, and each is missing in about a
 * fifth of the records. Every record after a person's first carries the errors people and
 * forms make: keyboard-neighbour typos, transpositions, phonetic respellings, nicknames,
 * first and last name swapped, day and month swapped, email local-part variants.
 *
 * Truth is in `rec_id` (`rec-<person>-org`, `rec-<person>-dup-<k>`), which matching never
 * reads. The same seed and size give the same file, byte for byte.
 */
import { seededRandom, type Random } from '../demo/random';

export interface MessyOptions {
  records: number;
  seed: number;
  /** Chance that a field is missing in a record (0.2: a fifth). */
  missing?: number;
}

export interface MessyRecord {
  recId: string;
  givenName: string;
  surname: string;
  city: string;
  dateOfBirth: string; // YYYYMMDD or ''
  email: string;
}

const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== '');

// Ranked by frequency (most common first): drawn with Zipf weights 1/rank.
const FIRST_NAMES = words(`
  james mary john patricia robert jennifer michael linda william elizabeth david barbara
  richard susan joseph jessica thomas sarah charles karen christopher nancy daniel lisa
  matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily
  andrew donna joshua michelle kenneth carol kevin amanda brian dorothy george melissa
  timothy deborah ronald stephanie edward rebecca jason sharon jeffrey laura ryan cynthia
  jacob kathleen gary amy nicholas angela eric shirley jonathan anna stephen brenda larry
  pamela justin emma scott nicole brandon helen benjamin samantha samuel katherine gregory
  christine alexander debra frank rachel patrick carolyn raymond janet jack catherine
  dennis maria jerry heather tyler diane aaron ruth jose julie adam olivia nathan joyce
  henry virginia douglas victoria zachary kelly peter lauren kyle christina ethan joan
  walter evelyn noah judith jeremy megan christian andrea keith cheryl roger hannah terry
  jacqueline gerald martha harold gloria sean teresa austin ann carl sara arthur madison
  lawrence frances dylan kathryn jesse janice jordan jean bryan abigail billy alice joe
  judy bruce sophia gabriel grace logan denise albert amber willie doris alan marilyn
  juan danielle wayne beverly elijah isabella randy theresa roy diana vincent natalie
  ralph brittany eugene charlotte russell marie bobby kayla mason alexis philip lori
`);

const SURNAMES = words(`
  smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez
  lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson
  white harris sanchez clark ramirez lewis robinson walker young allen king wright scott
  torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter
  roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart
  morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed
  kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray
  mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez
  powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales
  fisher vasquez simmons romero jordan patterson alexander hamilton graham reynolds
  griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina aguilar
  stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington
  kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson simpson
  porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes palmer
  wagner black robertson boyd rose stone salazar fox warren mills meyer rice schmidt
  garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant dunn
  kelley spencer hawkins arnold pierce vazquez hansen peters santos hart bradley knight
  elliott cunningham duncan armstrong hudson carroll lane riley andrews alvarado ray
  delgado berry perkins hoffman johnston matthews pena richards willis carpenter lawrence
  sandoval guerrero george chapman rios estrada ortega watkins greene nunez wheeler
  valdez harper burke larson santiago maldonado morrison franklin carlson austin
`);

const CITIES = words(`
  london birmingham manchester leeds glasgow sheffield bradford liverpool edinburgh
  bristol cardiff leicester coventry nottingham newcastle belfast brighton hull plymouth
  stoke wolverhampton derby swansea southampton salford aberdeen westminster portsmouth
  york peterborough dundee lancaster oxford newport preston canterbury cambridge exeter
  norwich chester lincoln bath wakefield carlisle durham worcester gloucester hereford
  inverness perth stirling lichfield salisbury truro wells ripon ely armagh newry
`);

const NICKNAMES: Record<string, string[]> = {
  william: ['bill', 'will', 'billy', 'liam'],
  robert: ['bob', 'rob', 'bobby', 'bert'],
  richard: ['dick', 'rick', 'rich'],
  james: ['jim', 'jimmy', 'jamie'],
  john: ['jack', 'johnny', 'jon'],
  joseph: ['joe', 'joey'],
  thomas: ['tom', 'tommy'],
  charles: ['charlie', 'chuck'],
  christopher: ['chris', 'kit'],
  daniel: ['dan', 'danny'],
  matthew: ['matt'],
  anthony: ['tony'],
  michael: ['mike', 'mick'],
  david: ['dave'],
  steven: ['steve'],
  andrew: ['andy', 'drew'],
  joshua: ['josh'],
  kenneth: ['ken', 'kenny'],
  edward: ['ed', 'ted', 'eddie'],
  benjamin: ['ben'],
  samuel: ['sam'],
  alexander: ['alex', 'sandy'],
  nicholas: ['nick'],
  jonathan: ['jon'],
  gregory: ['greg'],
  timothy: ['tim'],
  patrick: ['pat'],
  elizabeth: ['liz', 'beth', 'betty', 'eliza'],
  margaret: ['maggie', 'peggy', 'meg'],
  jennifer: ['jen', 'jenny'],
  patricia: ['pat', 'patty', 'trish'],
  katherine: ['kate', 'kathy', 'katie'],
  catherine: ['cathy', 'kate'],
  deborah: ['debbie', 'deb'],
  rebecca: ['becky', 'becca'],
  susan: ['sue', 'suzy'],
  victoria: ['vicky', 'tori'],
  christine: ['chris', 'tina'],
  samantha: ['sam'],
  abigail: ['abby'],
  jacqueline: ['jackie'],
  pamela: ['pam'],
  kimberly: ['kim'],
  stephanie: ['steph'],
  alexis: ['lexi'],
};

// Respellings that sound alike: each pair applies both ways.
const PHONETIC: [string, string][] = [
  ['ph', 'f'],
  ['ck', 'k'],
  ['c', 'k'],
  ['y', 'ie'],
  ['ei', 'ie'],
  ['s', 'z'],
  ['ll', 'l'],
  ['nn', 'n'],
  ['tt', 't'],
  ['ou', 'ow'],
  ['ai', 'ay'],
  ['th', 't'],
];

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Letters next to each letter on a QWERTY keyboard (same row and the rows beside it). */
const NEIGHBOURS: Record<string, string> = (() => {
  const at = new Map<string, [number, number]>();
  KEYBOARD_ROWS.forEach((row, r) => [...row].forEach((c, i) => at.set(c, [r, i])));
  const out: Record<string, string> = {};
  for (const [c, [r, i]] of at) {
    out[c] = [...at]
      .filter(([d, [r2, i2]]) => d !== c && Math.abs(r2 - r) <= 1 && Math.abs(i2 - i) <= 1)
      .map(([d]) => d)
      .join('');
  }
  return out;
})();

/**
 * Zipf-Mandelbrot weights 1/(rank + offset): the offset flattens the head so that the
 * commonest name has about the share it has in real populations (about 3 % of first names,
 * 1.5 % of surnames) instead of the sixth of the people a plain 1/rank over a short list
 * would give it, which makes strangers indistinguishable no real data set is like.
 */
const zipf = (n: number, offset: number): number[] =>
  Array.from({ length: n }, (_, i) => 1 / (i + 1 + offset));
const FIRST_WEIGHTS = zipf(FIRST_NAMES.length, 10);
const SURNAME_WEIGHTS = zipf(SURNAMES.length, 30);
const CITY_WEIGHTS = zipf(CITIES.length, 5);
/**
 * Cluster sizes 1-6, 3.5 records a person on average: the shape of the 20,000-record set
 * #22 was measured on (about 5,700 people).
 */
const CLUSTER_WEIGHTS = [15, 17, 18, 18, 17, 15];
const MAIL_DOMAINS = ['gmail.com', 'yahoo.co.uk', 'hotmail.com', 'outlook.com', 'btinternet.com'];

interface Person {
  first: string;
  last: string;
  city: string;
  born: { y: number; m: number; d: number };
  email: string;
}

/** The records, in a shuffled order (a person's records are not next to each other). */
export function messyPeople(options: MessyOptions): MessyRecord[] {
  const rand = seededRandom(options.seed);
  const missing = options.missing ?? 0.2;
  const out: MessyRecord[] = [];
  const addresses = new Set<string>();
  for (let p = 0; out.length < options.records; p++) {
    const person = newPerson(rand, addresses);
    const size = Math.min(1 + rand.weighted(CLUSTER_WEIGHTS), options.records - out.length);
    for (let k = 0; k < size; k++) {
      const fields = k === 0 ? exact(person) : perturbed(person, rand);
      out.push({
        recId: k === 0 ? `rec-${p}-org` : `rec-${p}-dup-${k - 1}`,
        givenName: rand.chance(missing) ? '' : fields.givenName,
        surname: rand.chance(missing) ? '' : fields.surname,
        city: rand.chance(missing) ? '' : fields.city,
        dateOfBirth: rand.chance(missing) ? '' : fields.dateOfBirth,
        email: rand.chance(missing) ? '' : fields.email,
      });
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = rand.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The FEBRL layout the evaluator reads (the columns this set leaves empty included). */
export function toCsv(records: MessyRecord[]): string {
  const header =
    'rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id,email';
  const lines = records.map((r) =>
    [r.recId, r.givenName, r.surname, '', '', '', r.city, '', '', r.dateOfBirth, '', r.email]
      .map((f) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f))
      .join(','),
  );
  return `${[header, ...lines].join('\n')}\n`;
}

/**
 * A new person. Their email address is theirs alone, as a mailbox is: a provider refuses
 * an address already taken, and people pick another (`jjones7`). Two people sharing one
 * would be linked by it deterministically, whatever matching does (in the first version,
 * 59 such collisions made 860 of the 20k set's pairs wrong).
 */
function newPerson(rand: Random, taken: Set<string>): Person {
  const first = FIRST_NAMES[rand.weighted(FIRST_WEIGHTS)]!;
  const last = SURNAMES[rand.weighted(SURNAME_WEIGHTS)]!;
  const born = { y: rand.int(1940, 2005), m: rand.int(1, 12), d: rand.int(1, 28) };
  const local = rand.pick([
    `${first}.${last}`,
    `${first}${last}`,
    `${first[0]}${last}`,
    `${first}${last[0]}${born.y % 100}`,
    `${last}.${first}`,
    `${first}${rand.int(1, 999)}`,
  ]);
  const domain = rand.pick(MAIL_DOMAINS);
  let email = `${local}@${domain}`;
  while (taken.has(email)) email = `${local}${rand.int(1, 99)}@${domain}`;
  taken.add(email);
  return { first, last, city: CITIES[rand.weighted(CITY_WEIGHTS)]!, born, email };
}

type Fields = Omit<MessyRecord, 'recId'>;

function exact(p: Person): Fields {
  return {
    givenName: p.first,
    surname: p.last,
    city: p.city,
    dateOfBirth: ymd(p.born),
    email: p.email,
  };
}

/** A later record of the person: each field kept, or changed the way real data changes. */
function perturbed(p: Person, rand: Random): Fields {
  let givenName = p.first;
  let surname = p.last;
  if (rand.chance(0.15) && NICKNAMES[givenName]) givenName = rand.pick(NICKNAMES[givenName]!);
  if (rand.chance(0.3)) givenName = misspell(givenName, rand);
  if (rand.chance(0.3)) surname = misspell(surname, rand);
  if (rand.chance(0.08)) [givenName, surname] = [surname, givenName];
  let born = p.born;
  if (rand.chance(0.1) && born.d <= 12) born = { ...born, m: born.d, d: born.m };
  else if (rand.chance(0.1))
    born = { ...born, d: Math.min(28, Math.max(1, born.d + rand.int(-2, 2))) };
  else if (rand.chance(0.05)) born = { ...born, y: born.y + rand.pick([-1, 1]) };
  return {
    givenName,
    surname,
    city: rand.chance(0.1) ? CITIES[rand.weighted(CITY_WEIGHTS)]! : p.city,
    dateOfBirth: ymd(born),
    email: rand.chance(0.25) ? emailVariant(p.email, rand) : p.email,
  };
}

function misspell(name: string, rand: Random): string {
  if (name.length < 3) return name;
  const kind = rand.int(0, 3);
  const i = rand.int(1, name.length - 2);
  if (kind === 0) {
    const near = NEIGHBOURS[name[i]!] ?? '';
    return near ? name.slice(0, i) + rand.pick([...near]) + name.slice(i + 1) : name;
  }
  if (kind === 1) return name.slice(0, i) + name[i + 1]! + name[i]! + name.slice(i + 2);
  if (kind === 2) {
    const swaps = PHONETIC.flatMap(([a, b]) => [
      [a, b],
      [b, a],
    ]).filter(([from]) => name.includes(from!));
    if (swaps.length === 0) return name.slice(0, i) + name.slice(i + 1);
    const [from, to] = rand.pick(swaps);
    return name.replace(from!, to!);
  }
  return name.slice(0, i) + name.slice(i + 1); // a dropped letter
}

function emailVariant(email: string, rand: Random): string {
  const [local, domain] = email.split('@') as [string, string];
  switch (rand.int(0, 3)) {
    case 0:
      return `${local}+${rand.pick(['shop', 'news', 'promo'])}@${domain}`;
    case 1:
      return `${local.replace('.', '')}@${domain}`;
    case 2:
      return `${local}@${rand.pick(MAIL_DOMAINS)}`;
    default:
      return `${misspell(local, rand)}@${domain}`;
  }
}

const ymd = (b: { y: number; m: number; d: number }): string =>
  `${b.y}${String(b.m).padStart(2, '0')}${String(b.d).padStart(2, '0')}`;
