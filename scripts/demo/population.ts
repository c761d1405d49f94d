import { seededRandom, type Random } from './random';
import type { AddressInput, CrmContactInput } from '../../src/crm/crmContactService';
import type { OrderInput } from '../../src/orders/orderService';
import type { OrderStatus } from '../../src/orders/orderStore';

/**
 * A seeded, realistic customer population for the demo and the benchmarks: people known
 * to one or two CRMs (with the duplicates real data has), buying through a shop, and
 * browsing on several devices before and after they log in. Everything a record needs to
 * pass Mosaic's validation is valid, and every record is labelled with the person it
 * belongs to, so resolution accuracy can be measured against the truth.
 *
 * Generation is linear in `customers` (100k customers, ~860k events, take 3-4 s) and
 * deterministic: the same `seed` and `now` always give the same population. Customer n's
 * records do not depend on how many customers follow, so a smaller population is a
 * prefix of a larger one (bar the anonymous visitors, generated last).
 */
export interface PopulationOptions {
  /** How many customers (people with CRM, order or identified event records). */
  customers: number;
  /** Seeds the PRNG. Default 42. */
  seed?: number;
  /**
   * The moment the population is generated at: nothing happens after it, orders and
   * events spread over the two years before it. Default: the start of the current UTC
   * day, so the output is the same all day long; pass a fixed date to pin it for good.
   */
  now?: Date;
}

export interface Population {
  /** CRM "crm-a" (`crmId` `A-<n>`) and its partial duplicate "crm-b" (`B-<n>`). */
  crmContacts: CrmContactInput[];
  /** Orders by customer id `C-<n>`, each carrying the customer's email or phone. */
  orders: OrderInput[];
  /**
   * Segment tracking-API calls, as plain JSON objects exactly as a Segment SDK would POST
   * them in `/v1/batch` `batch` arrays, in chronological order. Their `context` is one
   * frozen object shared by all calls.
   */
  segmentCalls: Record<string, unknown>[];
  /**
   * Ground truth, for accuracy checks: the person (0 … customers - 1) each CRM contact
   * (by crmId), order (by orderId) and user (by userId) belongs to. Anonymous ids are not
   * listed: a shared device belongs to two people, and anonymous visitors are nobody's
   * customer record.
   */
  truth: { crm: Map<string, number>; orders: Map<string, number>; users: Map<string, number> };
}

// Shares of the population, tuned so 10k customers give ~10.4k CRM contacts, ~17k orders
// and ~87k events (~11 per browsing person).
const IN_CRM_A = 0.85;
/** Of the people in CRM A: ~20% of all customers are also in CRM B. */
const ALSO_IN_CRM_B = 0.235;
const HAS_PHONE = 0.7;
const HAS_BIRTH_DATE = 0.6;
const HAS_ADDRESS = 0.5;
/** Contacts that carry a blocklisted placeholder email next to their real identifiers. */
const PLACEHOLDER_EMAIL = 0.03;
const NAME_TYPO = 0.15;
const BUYS = 0.6;
/** Orders after a customer's first that carry only the phone (a phone order, a POS sale). */
const PHONE_ONLY_ORDER = 0.12;
/** Orders placed on the website, whose checkout shows up in the events. */
const WEB_ORDER = 0.35;
const BROWSES = 0.7;
/** A person's login device is one another customer already identified on. */
const SHARED_DEVICE = 0.03;
/** Anonymous-only visitors, as a share of `customers` (~10% of everyone browsing). */
const ANONYMOUS_VISITORS = 0.08;

const DAY = 86_400_000;
const HISTORY_MS = 730 * DAY;
/** Shared by every call (frozen): a million copies of the same two objects is just garbage. */
const CONTEXT = Object.freeze({
  library: Object.freeze({ name: 'analytics-node', version: '3.1.0' }),
});
const SHOP = 'https://shop.example.com';

/** Weights for 1-12 orders per buyer: most buy once to three times. */
const ORDER_COUNT_WEIGHTS = [36, 24, 14, 8, 5, 4, 3, 2, 1.5, 1, 0.8, 0.7];
const ITEM_COUNT_WEIGHTS = [55, 27, 12, 6];
const DEVICE_COUNT_WEIGHTS = [55, 33, 12];
const BROWSE_SESSION_WEIGHTS = [70, 30];

const FIRST_NAMES = words(`
  James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara
  Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa
  Matthew Betty Anthony Margaret Mark Sandra Steven Ashley Paul Emily Andrew Donna Joshua
  Michelle Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ryan Rebecca Jason
  Laura Jeffrey Cynthia Jacob Amy Nicholas Angela Eric Anna Jonathan Brenda Stephen Rachel
  Justin Nicole Brandon Samantha Benjamin Katherine Samuel Christine Gregory Heather
  Alexander Olivia Patrick Hannah Tyler Megan Aaron Lauren Nathan Victoria Henry Grace
  Zachary Madison Ethan Abigail Noah Chloe Dylan Natalie Logan Sophia Austin Charlotte Mason
  Isabella Liam Ava José María Alejandro Sofía Carlos Lucía Diego Valentina Javier Camila
  Miguel Ximena Luis Gabriela Mateo Daniela Santiago Paula Andrés Fernanda Wei Mei Jing Hao
  Xiu Yan Jun Lan Chen Ling Aarav Priya Rohan Ananya Vikram Deepika Arjun Kavya Rahul Sneha
  Omar Fatima Ahmed Layla Yusuf Amira Hassan Nour Karim Yasmin Chinedu Amara Kwame Ngozi
  Oluwaseun Zainab Kofi Adaeze Tunde Imani Haruto Yuki Sakura Kenji Aiko Hiroshi Min-jun
  Seo-yeon Ji-ho Minh Linh Thanh François Chloé Léa Lukas Matteo Giulia Sven Ingrid
  Katarzyna Piotr Dmitri Anastasia Zoë Björn Siobhán Niamh Eoin Noa Eitan Aleksandr Olga
  Mehmet Elif Tomás Inês Joaquín Renée Søren
`);

const LAST_NAMES = words(`
  Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson
  Martin Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill
  Green Adams Baker Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans
  Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Bailey Reed Kelly
  Howard Cox Ward Richardson Watson Brooks Wood James Bennett Gray Hughes Price Sanders Myers
  Long Ross Foster Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes
  Fisher Vasquez Simmons Graham Marshall Owens Harrison Gibson Wallace Hamilton Ellis Hayes
  Hunt Palmer Mills Warren Fox Rose Rice Porter Hunter Garcia Rodriguez Martinez Hernandez
  Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera Gomez Diaz Cruz Morales Reyes
  Gutierrez Ortiz Jimenez Ruiz Alvarez Castillo Romero Mendoza Vargas Castro Herrera Medina
  Aguilar Guzmán Muñoz Peña Núñez Domínguez Delgado Vega Ríos Soto Cabrera Nguyen Tran
  Le Pham Hoang Vu Dang Bui Do Ngo Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma
  Zhu Hu Guo Lin He Gao Luo Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Patel Shah Singh
  Kumar Sharma Gupta Mehta Reddy Iyer Nair Rao Desai Joshi Kapoor Malhotra Chopra Bose Das
  Menon Pillai Tanaka Suzuki Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Sato Yoshida
  Okafor Adeyemi Mensah Okonkwo Abubakar Diallo Nwosu Boateng Kamara Eze Haddad Khalil
  Mansour Nasser Saleh Farouk Aziz Rahman Hussein Karimi Cohen Levy Friedman Katz Shapiro
  Goldberg Rosen Weiss Klein Adler Müller Schmidt Schneider Fischer Weber Becker Wagner
  Hoffmann Schäfer Koch Dubois Moreau Laurent Lefèvre Girard Bonnet Rousseau Fontaine
  Mercier Faure Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Silva
  Santos Oliveira Souza Costa Ferreira Almeida Carvalho Ribeiro Pereira Kowalski Nowak
  Wiśniewski Wójcik Kowalczyk Ivanov Petrov Smirnov Popov Volkov Jensen Nielsen Hansen
  Larsen Andersen Johansson Karlsson Nilsson Eriksson Lindberg O'Brien O'Connor O'Sullivan
  McCarthy Murray Quinn Byrne Doyle Gallagher Kennedy MacDonald Campbell-Hart Fraser
  Robertson Stewart-Clarke Nakashima Okoro
`);

/** Free mail providers with rough market shares; the rest of the emails are work ones. */
const FREE_MAIL = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com'];
const FREE_MAIL_WEIGHTS = [50, 16, 13, 8, 10, 3];
const FREE_MAIL_SHARE = 0.72;
const COMPANY_DOMAINS = words(`
  northwind.com contoso.com fabrikam.com globex.com initech.com hooli.com acme.co umbrella.io
  wayne-enterprises.com piedpiper.com vandelay.com dundermifflin.com cyberdyne.io wonka.com
  tyrell.co oscorp.com aperture.io soylent.co bluthcompany.com prestige-worldwide.com
`);
/** Blocklisted by default (MOSAIC_BLOCKED_IDENTIFIERS): what sloppy CRM forms are full of. */
const PLACEHOLDER_EMAILS = [
  'test@test.com',
  'test@test.com',
  'noreply@example.com',
  'null@null.com',
];

interface City {
  city: string;
  region: string;
  /** First three digits of the city's ZIP codes. */
  zip: string;
  areaCodes: readonly string[];
}

const CITIES: readonly City[] = [
  { city: 'San Francisco', region: 'CA', zip: '941', areaCodes: ['415', '628'] },
  { city: 'Los Angeles', region: 'CA', zip: '900', areaCodes: ['213', '310', '323'] },
  { city: 'San Diego', region: 'CA', zip: '921', areaCodes: ['619', '858'] },
  { city: 'Seattle', region: 'WA', zip: '981', areaCodes: ['206'] },
  { city: 'Portland', region: 'OR', zip: '972', areaCodes: ['503', '971'] },
  { city: 'Denver', region: 'CO', zip: '802', areaCodes: ['303', '720'] },
  { city: 'Austin', region: 'TX', zip: '787', areaCodes: ['512', '737'] },
  { city: 'Dallas', region: 'TX', zip: '752', areaCodes: ['214', '469', '972'] },
  { city: 'Houston', region: 'TX', zip: '770', areaCodes: ['713', '832'] },
  { city: 'Chicago', region: 'IL', zip: '606', areaCodes: ['312', '773', '872'] },
  { city: 'Minneapolis', region: 'MN', zip: '554', areaCodes: ['612'] },
  { city: 'Detroit', region: 'MI', zip: '482', areaCodes: ['313'] },
  { city: 'Boston', region: 'MA', zip: '021', areaCodes: ['617', '857'] },
  { city: 'New York', region: 'NY', zip: '100', areaCodes: ['212', '646', '917'] },
  { city: 'Brooklyn', region: 'NY', zip: '112', areaCodes: ['718', '347'] },
  { city: 'Philadelphia', region: 'PA', zip: '191', areaCodes: ['215', '267'] },
  { city: 'Pittsburgh', region: 'PA', zip: '152', areaCodes: ['412'] },
  { city: 'Washington', region: 'DC', zip: '200', areaCodes: ['202'] },
  { city: 'Baltimore', region: 'MD', zip: '212', areaCodes: ['410', '443'] },
  { city: 'Atlanta', region: 'GA', zip: '303', areaCodes: ['404', '470'] },
  { city: 'Miami', region: 'FL', zip: '331', areaCodes: ['305', '786'] },
  { city: 'Orlando', region: 'FL', zip: '328', areaCodes: ['407'] },
  { city: 'Nashville', region: 'TN', zip: '372', areaCodes: ['615'] },
  { city: 'Charlotte', region: 'NC', zip: '282', areaCodes: ['704'] },
  { city: 'Raleigh', region: 'NC', zip: '276', areaCodes: ['919'] },
  { city: 'Columbus', region: 'OH', zip: '432', areaCodes: ['614'] },
  { city: 'Phoenix', region: 'AZ', zip: '850', areaCodes: ['602', '480'] },
  { city: 'Las Vegas', region: 'NV', zip: '891', areaCodes: ['702'] },
  { city: 'Salt Lake City', region: 'UT', zip: '841', areaCodes: ['801'] },
  { city: 'Kansas City', region: 'MO', zip: '641', areaCodes: ['816'] },
  { city: 'St. Louis', region: 'MO', zip: '631', areaCodes: ['314'] },
  { city: 'New Orleans', region: 'LA', zip: '701', areaCodes: ['504'] },
];

const STREETS = words(`
  Main Oak Maple Cedar Pine Elm Washington Lake Hill Park Sunset Highland Jefferson Lincoln
  Madison Franklin Church Mill River Spring Valley Forest Meadow Ridge Willow Chestnut Walnut
  Market Mission Union Broadway Harbor Grant Jackson Cherry Lakeview Prospect Summit Orchard
`);
const STREET_TYPES = ['St', 'Ave', 'Blvd', 'Rd', 'Ln', 'Dr', 'Way', 'Ct', 'Pl', 'Street', 'Avenue'];

interface Product {
  sku: string;
  name: string;
  cents: number;
}

const PRODUCTS: readonly Product[] = [
  { sku: 'TEE-CLS-BLK', name: 'Classic Tee, Black', cents: 2400 },
  { sku: 'TEE-CLS-WHT', name: 'Classic Tee, White', cents: 2400 },
  { sku: 'TEE-PKT-NVY', name: 'Pocket Tee, Navy', cents: 2900 },
  { sku: 'HOOD-ZIP-GRY', name: 'Zip Hoodie, Heather Grey', cents: 6800 },
  { sku: 'HOOD-PO-OLV', name: 'Pullover Hoodie, Olive', cents: 6400 },
  { sku: 'JKT-RAIN-YLW', name: 'Rain Jacket, Yellow', cents: 14900 },
  { sku: 'JKT-DOWN-BLK', name: 'Down Jacket, Black', cents: 24900 },
  { sku: 'PNT-CHN-KHK', name: 'Chinos, Khaki', cents: 7800 },
  { sku: 'PNT-JNS-IND', name: 'Slim Jeans, Indigo', cents: 8900 },
  { sku: 'SHRT-OXF-BLU', name: 'Oxford Shirt, Blue', cents: 5900 },
  { sku: 'SWTR-MER-CRM', name: 'Merino Sweater, Cream', cents: 9800 },
  { sku: 'SCK-3PK-MIX', name: 'Socks, 3-Pack', cents: 1800 },
  { sku: 'CAP-BSB-BLK', name: 'Baseball Cap, Black', cents: 2600 },
  { sku: 'BNE-KNT-RST', name: 'Knit Beanie, Rust', cents: 2200 },
  { sku: 'SCF-WOL-GRY', name: 'Wool Scarf, Grey', cents: 3900 },
  { sku: 'BAG-TOTE-NAT', name: 'Canvas Tote', cents: 1900 },
  { sku: 'BAG-BKP-BLK', name: 'Everyday Backpack', cents: 11900 },
  { sku: 'BAG-DFL-OLV', name: 'Weekender Duffel', cents: 15900 },
  { sku: 'SHO-SNK-WHT', name: 'Court Sneakers, White', cents: 9500 },
  { sku: 'SHO-BOT-BRN', name: 'Chelsea Boots, Brown', cents: 18900 },
  { sku: 'MUG-CER-WHT', name: 'Ceramic Mug', cents: 1600 },
  { sku: 'BTL-STL-500', name: 'Steel Bottle, 500 ml', cents: 2800 },
  { sku: 'NBK-DOT-A5', name: 'Dotted Notebook, A5', cents: 1400 },
  { sku: 'PEN-GEL-3PK', name: 'Gel Pens, 3-Pack', cents: 900 },
  { sku: 'STK-LOGO-5PK', name: 'Sticker Pack', cents: 500 },
  { sku: 'CSE-PHN-CLR', name: 'Phone Case, Clear', cents: 2900 },
  { sku: 'CBL-USBC-2M', name: 'USB-C Cable, 2 m', cents: 1500 },
  { sku: 'HDP-WRL-BLK', name: 'Wireless Headphones', cents: 17900 },
  { sku: 'SPK-BT-MINI', name: 'Mini Bluetooth Speaker', cents: 4900 },
  { sku: 'LMP-DSK-BRS', name: 'Desk Lamp, Brass', cents: 8900 },
  { sku: 'GFT-CARD-25', name: 'Gift Card, $25', cents: 2500 },
  { sku: 'GFT-CARD-100', name: 'Gift Card, $100', cents: 10000 },
];

const LANDING_PAGES = ['Home', 'Home', 'Home', 'Product', 'Product', 'Blog', 'Pricing'];
const OTHER_PAGES = ['Home', 'Pricing', 'Category', 'Blog', 'Help', 'About', 'Cart'];
const SEARCHES = words(`jacket hoodie jeans sneakers backpack gift mug headphones socks boots`);
const CRM_A_STAGES = ['lead', 'subscriber', 'customer', 'customer', 'customer', 'evangelist'];
const CRM_B_OWNERS = ['ana.r', 'ben.k', 'chris.p', 'dee.m', 'eli.s'];
/** How a person gets linked on devices after the first: log in, an alias, or not at all. */
const OTHER_DEVICE_LOGINS = ['identify', 'identify', 'alias', 'none'] as const;

interface Person {
  n: number;
  firstName: string;
  lastName: string;
  /** Canonical (lower-case) email; unique in the population. */
  email: string;
  /** Ten national digits, unique in the population, or null. */
  phone: string | null;
  birthDate: string | null;
  address: AddressInput | null;
}

/** A session to generate: browsing from `start`, or the checkout of a web order. */
interface SessionPlan {
  start: number;
  /** The checkout's four calls' times, drawn when planned so sessions sort by true start. */
  checkout: { order: OrderInput; times: readonly [number, number, number, number] } | null;
}

/** A device while its calls are generated. */
interface DeviceState {
  anonymousId: string;
  /** Sent with every call once someone has logged in on the device. */
  userId: string | null;
  /** How the person logs in, right after the device's first call; null once done or never. */
  login: { how: 'identify' | 'alias'; userId: string; person: Person } | null;
}

export function generatePopulation(options: PopulationOptions): Population {
  const { customers } = options;
  if (!Number.isSafeInteger(customers) || customers < 0)
    throw new RangeError(`customers must be a whole number of at least 0, got ${customers}`);
  const seed = options.seed ?? 42;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const now = options.now ?? new Date(Math.floor(Date.now() / DAY) * DAY);
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid date');

  const generator = new Generator(seed, now.getTime());
  for (let n = 0; n < customers; n++) generator.customer(n);
  for (let v = Math.round(customers * ANONYMOUS_VISITORS); v > 0; v--) generator.visitor();
  return generator.finish();
}

class Generator {
  private readonly rand: Random;
  private readonly crmContacts: CrmContactInput[] = [];
  private readonly orders: OrderInput[] = [];
  private readonly calls: { t: number; call: Record<string, unknown> }[] = [];
  private readonly truth: Population['truth'] = {
    crm: new Map(),
    orders: new Map(),
    users: new Map(),
  };
  private readonly usedEmails = new Set<string>();
  private readonly usedPhones = new Set<string>();
  private readonly usedDevices = new Set<string>();
  /** Login devices no one else has used yet: candidates for a shared device. */
  private readonly shareable: string[] = [];
  private readonly seq = { crmA: 0, crmB: 0, customer: 0, order: 0, user: 0, message: 0 };
  private readonly messagePrefix: string;

  constructor(
    seed: number,
    private readonly now: number,
  ) {
    this.rand = seededRandom(seed);
    this.messagePrefix = `msg-${(seed >>> 0).toString(16).padStart(8, '0')}-`;
  }

  customer(n: number): void {
    const { rand } = this;
    // Customer 0 is the person the README's examples query; they have every kind of record.
    const specimen = n === 0;
    const person = specimen ? this.specimen() : this.person(n);
    if (specimen || rand.chance(IN_CRM_A)) {
      this.crmA(person);
      if (specimen || rand.chance(ALSO_IN_CRM_B)) this.crmB(person);
    }
    const orders = specimen || rand.chance(BUYS) ? this.buy(person) : [];
    if (specimen || rand.chance(BROWSES)) this.browse(person, orders);
  }

  /** Someone who browses without ever logging in: events with an anonymous id only. */
  visitor(): void {
    const device: DeviceState = { anonymousId: this.deviceId(), userId: null, login: null };
    this.runDevice(device, this.browsePlans());
  }

  finish(): Population {
    // Stable sort: calls at the same millisecond keep the order they were generated in.
    this.calls.sort((a, b) => a.t - b.t);
    return {
      crmContacts: this.crmContacts,
      orders: this.orders,
      segmentCalls: this.calls.map((c) => c.call),
      truth: this.truth,
    };
  }

  // --- People ---------------------------------------------------------------------------

  private person(n: number): Person {
    const { rand } = this;
    const firstName = rand.pick(FIRST_NAMES);
    const lastName = rand.pick(LAST_NAMES);
    const city = rand.pick(CITIES);
    const birthYear = rand.chance(HAS_BIRTH_DATE)
      ? new Date(this.now).getUTCFullYear() - rand.int(18, 85)
      : null;
    return {
      n,
      firstName,
      lastName,
      email: this.email(firstName, lastName, birthYear),
      phone: rand.chance(HAS_PHONE) ? this.phone(city) : null,
      birthDate: birthYear === null ? null : this.birthDate(birthYear),
      address: rand.chance(HAS_ADDRESS) ? this.address(city) : null,
    };
  }

  private specimen(): Person {
    const person: Person = {
      n: 0,
      firstName: 'Some',
      lastName: 'One',
      email: 'some.one@example.com',
      phone: '4155550100',
      birthDate: '1985-04-12',
      address: {
        line1: '1 Market St',
        city: 'San Francisco',
        region: 'CA',
        postalCode: '94105',
        country: 'US',
      },
    };
    this.usedEmails.add(person.email);
    this.usedPhones.add(person.phone!);
    return person;
  }

  /** A unique address in one of the patterns people choose, numbered like real ones when taken. */
  private email(firstName: string, lastName: string, birthYear: number | null): string {
    const { rand } = this;
    const f = ascii(firstName);
    const l = ascii(lastName);
    let local: string;
    let domain: string;
    if (rand.chance(FREE_MAIL_SHARE)) {
      domain = FREE_MAIL[rand.weighted(FREE_MAIL_WEIGHTS)]!;
      const yy = String((birthYear ?? rand.int(1960, 2006)) % 100).padStart(2, '0');
      const patterns = [`${f}.${l}`, `${f}${l}`, `${f}_${l}`, `${f[0]}${l}`, `${f}${l}${yy}`];
      local = rand.pick([...patterns, `${l}.${f}`, `${f}.${l}${rand.int(1, 99)}`]);
    } else {
      domain = rand.pick(COMPANY_DOMAINS);
      local = rand.pick([`${f}.${l}`, `${f}.${l}`, `${f[0]}${l}`, `${f}${l[0]}`, f]);
    }
    let email = `${local}@${domain}`;
    for (let attempt = 0; this.usedEmails.has(email); attempt++) {
      const suffix = attempt < 5 ? rand.int(2, 999) : rand.int(1000, 999_999);
      email = `${local}${suffix}@${domain}`;
    }
    this.usedEmails.add(email);
    return email;
  }

  /** A unique US number, usually in the person's city (people keep their number when they move). */
  private phone(city: City): string {
    const { rand } = this;
    const home = rand.chance(0.8) ? city : rand.pick(CITIES);
    let phone: string;
    do {
      let exchange = rand.int(200, 999);
      // N11 codes are service numbers and 555 is the fictional exchange: neither looks real.
      if (exchange % 100 === 11 || exchange === 555) exchange += 1;
      phone = `${rand.pick(home.areaCodes)}${exchange}${String(rand.int(0, 9999)).padStart(4, '0')}`;
    } while (this.usedPhones.has(phone));
    this.usedPhones.add(phone);
    return phone;
  }

  private birthDate(year: number): string {
    const date = new Date(Date.UTC(year, 0, 1) + this.rand.int(0, 364) * DAY);
    return date.toISOString().slice(0, 10);
  }

  private address(city: City): AddressInput {
    const { rand } = this;
    const line2 = rand.chance(0.25)
      ? `${rand.pick(['Apt', 'Apt', 'Unit', 'Suite'])} ${rand.int(1, 40)}${rand.pick(['', '', 'A', 'B', 'C'])}`
      : null;
    return {
      line1: `${rand.int(1, 9999)} ${rand.pick(STREETS)} ${rand.pick(STREET_TYPES)}`,
      ...(line2 === null ? {} : { line2 }),
      city: city.city,
      region: city.region,
      postalCode: `${city.zip}${String(rand.int(1, 99)).padStart(2, '0')}`,
      country: 'US',
    };
  }

  // --- CRM ------------------------------------------------------------------------------

  private crmA(p: Person): void {
    const { rand } = this;
    const crmId = `A-${++this.seq.crmA}`;
    // Humans typed these: sometimes capitalised, phones in whatever format the form took.
    const email = rand.chance(0.1) ? capitalise(p.email) : p.email;
    const phone = p.phone === null ? null : rand.chance(0.7) ? e164(p.phone) : spaced(p.phone);
    this.crmContacts.push({
      crmId,
      firstName: p.firstName,
      lastName: p.lastName,
      emails: this.withPlaceholder([email]),
      ...(phone === null ? {} : { phones: [phone] }),
      ...(p.birthDate === null ? {} : { birthDate: p.birthDate }),
      ...(p.address === null ? {} : { address: p.address }),
      attributes: {
        crm: 'crm-a',
        lifecycleStage: rand.pick(CRM_A_STAGES),
        marketingOptIn: rand.chance(0.6),
        createdAt: new Date(this.now - rand.int(30, 5 * 365) * DAY).toISOString().slice(0, 10),
      },
    });
    this.truth.crm.set(crmId, p.n);
  }

  /**
   * The same person as another CRM holds them: email in other case or with stray spaces,
   * phone in national format, now and then a typo in the name. Always with the email or
   * the phone, so deterministic resolution can link the two records.
   */
  private crmB(p: Person): void {
    const { rand } = this;
    const crmId = `B-${++this.seq.crmB}`;
    const withEmail = p.phone === null || rand.chance(0.8);
    const withPhone = p.phone !== null && (!withEmail || rand.chance(0.85));
    let { firstName, lastName } = p;
    if (rand.chance(NAME_TYPO)) {
      if (firstName.length >= 4 && (lastName.length < 4 || rand.chance(0.5)))
        firstName = typo(firstName, rand);
      else if (lastName.length >= 4) lastName = typo(lastName, rand);
    }
    const address: AddressInput | null =
      p.address !== null && rand.chance(0.6) ? { ...p.address, country: 'United States' } : null;
    this.crmContacts.push({
      crmId,
      firstName: rand.chance(0.1) ? firstName.toUpperCase() : firstName,
      lastName,
      ...(withEmail ? { emails: this.withPlaceholder([messyEmail(p.email, rand)]) } : {}),
      ...(withPhone ? { phones: [national(p.phone!)] } : {}),
      ...(p.birthDate !== null && rand.chance(0.7) ? { birthDate: p.birthDate } : {}),
      ...(address === null ? {} : { address }),
      attributes: { crm: 'crm-b', leadScore: rand.int(0, 100), owner: rand.pick(CRM_B_OWNERS) },
    });
    this.truth.crm.set(crmId, p.n);
  }

  private withPlaceholder(emails: string[]): string[] {
    if (!this.rand.chance(PLACEHOLDER_EMAIL)) return emails;
    const placeholder = this.rand.pick(PLACEHOLDER_EMAILS);
    return this.rand.chance(0.5) ? [placeholder, ...emails] : [...emails, placeholder];
  }

  // --- Orders ---------------------------------------------------------------------------

  private buy(p: Person): OrderInput[] {
    const { rand } = this;
    const customerId = `C-${++this.seq.customer}`;
    const count = 1 + rand.weighted(ORDER_COUNT_WEIGHTS);
    const times = Array.from({ length: count }, () => this.now - rand.int(3_600_000, HISTORY_MS));
    times.sort((a, b) => a - b);
    return times.map((t, i) => {
      const orderId = `O-${++this.seq.order}`;
      const { items, cents } = this.basket();
      // The first order always carries the email, so the customer id is linked to it.
      const phoneOnly = i > 0 && p.phone !== null && rand.chance(PHONE_ONLY_ORDER);
      const order: OrderInput = {
        orderId,
        customerId,
        ...(phoneOnly
          ? { phone: rand.chance(0.5) ? e164(p.phone!) : national(p.phone!) }
          : { email: rand.chance(0.15) ? p.email.toUpperCase() : p.email }),
        placedAt: new Date(t),
        status: this.orderStatus(t),
        currency: 'USD',
        total: cents / 100,
        items,
      };
      this.orders.push(order);
      this.truth.orders.set(orderId, p.n);
      return order;
    });
  }

  /** 1-4 distinct products; the total (sum of quantity x unit price) stays within $5-500. */
  private basket(): { items: NonNullable<OrderInput['items']>[number][]; cents: number } {
    const { rand } = this;
    const items: NonNullable<OrderInput['items']>[number][] = [];
    let cents = 0;
    for (let lines = 1 + rand.weighted(ITEM_COUNT_WEIGHTS); lines > 0; lines--) {
      const product = rand.pick(PRODUCTS);
      if (items.some((i) => i.sku === product.sku)) continue;
      let quantity = rand.chance(0.8) ? 1 : rand.int(2, 3);
      if (cents + quantity * product.cents > 50_000) quantity = 1;
      if (cents + product.cents > 50_000) continue;
      cents += quantity * product.cents;
      items.push({
        sku: product.sku,
        name: product.name,
        quantity,
        unitPrice: product.cents / 100,
      });
    }
    return { items, cents };
  }

  private orderStatus(t: number): OrderStatus {
    const { rand } = this;
    if (this.now - t < 7 * DAY && rand.chance(0.4)) return 'pending';
    const r = rand.next();
    return r < 0.05 ? 'refunded' : r < 0.1 ? 'cancelled' : r < 0.11 ? 'pending' : 'completed';
  }

  // --- Events ---------------------------------------------------------------------------

  /**
   * 1-3 devices. The first is where the person logs in (identify); on the others they
   * log in too, or an alias links the device, or it stays anonymous. Web orders show up
   * as checkout sessions on the login device.
   */
  private browse(p: Person, orders: readonly OrderInput[]): void {
    const { rand } = this;
    const userId = `U-${++this.seq.user}`;
    this.truth.users.set(userId, p.n);
    const deviceCount = 1 + rand.weighted(DEVICE_COUNT_WEIGHTS);
    for (let d = 0; d < deviceCount; d++) {
      const how = d === 0 ? 'identify' : rand.pick(OTHER_DEVICE_LOGINS);
      const plans = this.browsePlans();
      if (d === 0) {
        for (const order of orders)
          if (rand.chance(WEB_ORDER)) plans.push(this.checkoutPlan(order));
      }
      const anonymousId = this.loginDevice(d === 0);
      const login = how === 'none' ? null : { how, userId, person: p };
      this.runDevice({ anonymousId, userId: null, login }, plans);
    }
  }

  /**
   * A new device, or for a few people the login device of an earlier customer (a family
   * laptop): both log in on it with their own userId.
   */
  private loginDevice(first: boolean): string {
    if (!first) return this.deviceId();
    if (this.shareable.length > 0 && this.rand.chance(SHARED_DEVICE)) {
      const i = this.rand.int(0, this.shareable.length - 1);
      const shared = this.shareable[i]!;
      // Swap-remove: each shared device has exactly two people, and removal is O(1).
      this.shareable[i] = this.shareable[this.shareable.length - 1]!;
      this.shareable.pop();
      return shared;
    }
    const id = this.deviceId();
    this.shareable.push(id);
    return id;
  }

  /** 1-2 browsing sessions, each starting in the last two years and ending before `now`. */
  private browsePlans(): SessionPlan[] {
    const { rand } = this;
    return Array.from({ length: 1 + rand.weighted(BROWSE_SESSION_WEIGHTS) }, () => ({
      start: this.now - rand.int(2 * 3_600_000, HISTORY_MS),
      checkout: null,
    }));
  }

  /** Add to cart, check out, and the order, which completes at the order's placedAt. */
  private checkoutPlan(order: OrderInput): SessionPlan {
    const { rand } = this;
    const end = order.placedAt.getTime();
    const t2 = end - rand.int(20, 300) * 1000;
    const t1 = t2 - rand.int(5, 60) * 1000;
    const t0 = t1 - rand.int(30, 600) * 1000;
    return { start: t0, checkout: { order, times: [t0, t1, t2, end] } };
  }

  private runDevice(device: DeviceState, plans: SessionPlan[]): void {
    plans.sort((a, b) => a.start - b.start);
    for (const plan of plans) {
      if (plan.checkout === null) this.browseSession(device, plan.start);
      else this.checkoutSession(device, plan.checkout.order, plan.checkout.times);
    }
  }

  /** 2-5 calls: a landing page, then viewing, adding, searching and reading pages. */
  private browseSession(device: DeviceState, start: number): void {
    const { rand } = this;
    let t = start;
    const next = () => (t += rand.int(5, 180) * 1000);
    let viewed: Product | null = null;
    let calls = 1;
    const landing = rand.pick(LANDING_PAGES);
    if (landing === 'Product') {
      viewed = rand.pick(PRODUCTS);
      this.productPage(device, t, viewed);
    } else {
      this.page(device, t, landing, `/${landing === 'Home' ? '' : landing.toLowerCase()}`);
    }
    for (const count = rand.int(2, 5); calls < count; calls++) {
      const r = rand.next();
      if (viewed !== null && r < 0.2) {
        const properties = { sku: viewed.sku, price: viewed.cents / 100, quantity: 1 };
        this.track(device, next(), 'Product Added', properties);
        viewed = null;
      } else if (r < 0.6) {
        viewed = rand.pick(PRODUCTS);
        this.productPage(device, next(), viewed);
        const properties = { sku: viewed.sku, price: viewed.cents / 100 };
        this.track(device, next(), 'Product Viewed', properties);
        calls++;
      } else if (r < 0.7) {
        this.track(device, next(), 'Products Searched', { query: rand.pick(SEARCHES) });
      } else {
        const name = rand.pick(OTHER_PAGES);
        this.page(device, next(), name, `/${name.toLowerCase()}`);
      }
    }
  }

  private checkoutSession(
    device: DeviceState,
    order: OrderInput,
    [t0, t1, t2, end]: readonly [number, number, number, number],
  ): void {
    const { orderId, total, currency } = order;
    const first = order.items?.[0];
    const added = first ? { sku: first.sku, price: first.unitPrice, quantity: first.quantity } : {};
    this.track(device, t0, 'Product Added', added);
    this.page(device, t1, 'Checkout', '/checkout');
    this.track(device, t2, 'Checkout Started', { total, currency });
    this.track(device, end, 'Order Completed', { orderId, total, currency });
  }

  private page(device: DeviceState, t: number, name: string, path: string): void {
    this.call(device, t, 'page', { name, properties: { path, url: `${SHOP}${path}` } });
  }

  private productPage(device: DeviceState, t: number, product: Product): void {
    const path = `/products/${product.sku.toLowerCase()}`;
    const properties = { path, url: `${SHOP}${path}`, title: product.name };
    this.call(device, t, 'page', { name: 'Product', properties });
  }

  private track(device: DeviceState, t: number, event: string, properties: object): void {
    this.call(device, t, 'track', { event, properties });
  }

  /** One call from the device; its first is followed by the login, when there is one. */
  private call(
    device: DeviceState,
    t: number,
    type: string,
    fields: Record<string, unknown>,
  ): void {
    this.emit(t, type, device.anonymousId, device.userId, fields);
    const { login } = device;
    if (login === null) return;
    device.login = null;
    // Between this call and the next, which are at least 5 s apart.
    const at = t + this.rand.int(1, 4) * 1000;
    const { anonymousId } = device;
    if (login.how === 'identify') {
      const { email, firstName, lastName } = login.person;
      const traits = {
        email: this.rand.chance(0.2) ? capitalise(email) : email,
        firstName,
        lastName,
      };
      this.emit(at, 'identify', anonymousId, login.userId, { traits });
    } else {
      this.emit(at, 'alias', null, login.userId, { previousId: anonymousId });
    }
    device.userId = login.userId;
  }

  /** Builds the call field by field: at a million calls, spreads and copies cost seconds. */
  private emit(
    t: number,
    type: string,
    anonymousId: string | null,
    userId: string | null,
    fields: Record<string, unknown>,
  ): void {
    const id = (++this.seq.message).toString(16).padStart(8, '0');
    const call: Record<string, unknown> = { type, messageId: `${this.messagePrefix}${id}` };
    if (anonymousId !== null) call.anonymousId = anonymousId;
    if (userId !== null) call.userId = userId;
    for (const key in fields) call[key] = fields[key];
    call.context = CONTEXT;
    call.timestamp = new Date(t).toISOString();
    this.calls.push({ t, call });
  }

  /** A UUID-looking anonymous id, as browsers and apps generate them; unique. */
  private deviceId(): string {
    let id: string;
    do {
      id = uuid(this.rand);
    } while (this.usedDevices.has(id));
    this.usedDevices.add(id);
    return id;
  }
}

// --- Variants of identifiers -------------------------------------------------------------

const e164 = (digits: string): string => `+1${digits}`;
const national = (d: string): string => `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
const spaced = (d: string): string => `+1 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`;

/** `ada.lovelace@gmail.com` → `Ada.Lovelace@Gmail.com`, as autocapitalising keyboards do. */
function capitalise(email: string): string {
  const at = email.indexOf('@');
  const local = email
    .slice(0, at)
    .replace(/(^|[._])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
  return `${local}@${email.charAt(at + 1).toUpperCase()}${email.slice(at + 2)}`;
}

/** The same address as a second system stored it: other case, stray spaces, or both. */
function messyEmail(email: string, rand: Random): string {
  const variant = rand.int(0, 3);
  const cased = variant === 0 || variant === 2 ? email.toUpperCase() : capitalise(email);
  return variant >= 2 ? `  ${cased} ` : cased;
}

/** One transposed or dropped letter, never the first (people get that one right). */
function typo(name: string, rand: Random): string {
  const i = rand.int(1, name.length - 2);
  const swapped = name.slice(0, i) + name[i + 1]! + name[i]! + name.slice(i + 2);
  return rand.chance(0.5) && swapped !== name ? swapped : name.slice(0, i) + name.slice(i + 1);
}

/** Lower-case ASCII letters and digits, for the local part of an email. */
function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ø/g, 'o')
    .replace(/[^a-z0-9]/g, '');
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

// --- Randomness --------------------------------------------------------------------------

/** A version-4 UUID made of PRNG bits, so device ids are the same every run. */
function uuid(rand: Random): string {
  const hex = (bits: number) =>
    Math.floor(rand.next() * 2 ** bits)
      .toString(16)
      .padStart(bits / 4, '0');
  const variant = (8 + rand.int(0, 3)).toString(16);
  return `${hex(32)}-${hex(16)}-4${hex(12)}-${variant}${hex(12)}-${hex(24)}${hex(24)}`;
}
