/**
 * Cambodian places and people for the demo seed: provinces with their districts, Khmer names
 * with their Latin spelling, phone and id numbers in the local shapes, occupations with their
 * incomes. Pure data and small draws, no Nest.
 */
import type { Random } from './random';

// ---------------------------------------------------------------------------------------------
// Places

export interface Province {
  name: string;
  code: string;
  /** The provincial town (the branch's address). */
  town: string;
  districts: readonly string[];
  latitude: string;
  longitude: string;
}

const province = (
  name: string,
  code: string,
  districts: string[],
  latitude: string,
  longitude: string,
): Province => ({ name, code, town: districts[0], districts, latitude, longitude });

/** In the order branches open: the capital and the largest towns first. */
export const PROVINCES: readonly Province[] = [
  province(
    'Phnom Penh',
    'PNP',
    ['Chamkar Mon', 'Daun Penh', 'Tuol Kouk', 'Sen Sok', 'Mean Chey', 'Russey Keo'],
    '11.556400',
    '104.928200',
  ),
  province('Siem Reap', 'SRP', ['Siem Reap', 'Puok', 'Soutr Nikom'], '13.363300', '103.856400'),
  province(
    'Battambang',
    'BTB',
    ['Battambang', 'Sangkae', 'Moung Ruessei'],
    '13.095700',
    '103.202200',
  ),
  province(
    'Kampong Cham',
    'KCM',
    ['Kampong Cham', 'Kang Meas', 'Prey Chhor'],
    '11.993400',
    '105.463500',
  ),
  province('Preah Sihanouk', 'SHV', ['Preah Sihanouk', 'Prey Nob'], '10.609300', '103.529600'),
  province('Kampot', 'KPT', ['Kampot', 'Chhuk', 'Teuk Chhou'], '10.610400', '104.181500'),
  province('Takeo', 'TKO', ['Doun Kaev', 'Bati', 'Tram Kak'], '10.990800', '104.785000'),
  province('Kandal', 'KDL', ['Ta Khmau', 'Kien Svay', 'Saang'], '11.483300', '104.950000'),
  province('Prey Veng', 'PVG', ['Prey Veng', 'Kamchay Mear', 'Peam Ro'], '11.486800', '105.325300'),
  province('Svay Rieng', 'SVR', ['Svay Rieng', 'Bavet', 'Romeas Haek'], '11.087900', '105.799400'),
  province(
    'Kampong Speu',
    'KSP',
    ['Chbar Mon', 'Samraong Tong', 'Oudong'],
    '11.453300',
    '104.520600',
  ),
  province('Kampong Thom', 'KTM', ['Stueng Saen', 'Baray', 'Santuk'], '12.711100', '104.888700'),
  province('Pursat', 'PST', ['Pursat', 'Bakan', 'Krakor'], '12.538800', '103.919200'),
  province(
    'Banteay Meanchey',
    'BMC',
    ['Serei Saophoan', 'Poipet', 'Mongkol Borei'],
    '13.585900',
    '102.973700',
  ),
  province(
    'Kampong Chhnang',
    'KCN',
    ['Kampong Chhnang', 'Kampong Tralach', 'Rolea Bier'],
    '12.250000',
    '104.666700',
  ),
  province('Kratie', 'KRT', ['Kratie', 'Chhloung', 'Snuol'], '12.488100', '106.018800'),
  province('Tbong Khmum', 'TBK', ['Suong', 'Memot', 'Ponhea Kraek'], '11.912300', '105.652200'),
  province('Kep', 'KEP', ['Kep', 'Damnak Changaeur'], '10.482900', '104.316700'),
  province('Koh Kong', 'KKG', ['Khemara Phoumin', 'Sre Ambel'], '11.617500', '102.984900'),
  province('Oddar Meanchey', 'OMC', ['Samraong', 'Anlong Veng'], '14.181800', '103.517600'),
  province('Preah Vihear', 'PVH', ['Tbaeng Mean Chey', 'Rovieng'], '13.807700', '104.980600'),
  province('Stung Treng', 'STG', ['Stung Treng', 'Sesan'], '13.525900', '105.968300'),
  province('Ratanakiri', 'RTK', ['Banlung', 'O Yadav'], '13.739400', '106.987300'),
  province('Mondulkiri', 'MDK', ['Sen Monorom', 'Pech Chreada'], '12.455800', '107.188100'),
  province('Pailin', 'PLN', ['Pailin', 'Sala Krau'], '12.848900', '102.609300'),
];

export const COMMUNES = [
  'Kampong Svay',
  'Prek Ruessei',
  'Svay Pok',
  'Kouk Trab',
  'Trapeang Thum',
  'Chrey',
  'Prey Kabas',
  'Ou Ruessei',
  'Roka Kaong',
  'Boeng Kak',
  'Sla Kram',
  'Wat Bo',
];
export const VILLAGES = [
  'Phum Thmei',
  'Phum Chas',
  'Trapeang Veng',
  'Kouk Roka',
  'Prey Totueng',
  'Ou Char',
  'Chong Kaoh',
  'Svay Chrum',
  'Kandal',
  'Tuol Pongro',
  'Prek Thmei',
  'Boeng Chhuk',
];

// ---------------------------------------------------------------------------------------------
// People

export type Sex = 'male' | 'female';

/** [Latin, Khmer] */
const FAMILY_NAMES: readonly (readonly [string, string])[] = [
  ['Sok', 'សុខ'],
  ['Chan', 'ចាន់'],
  ['Kim', 'គីម'],
  ['Ly', 'លី'],
  ['Heng', 'ហេង'],
  ['Chea', 'ជា'],
  ['Meas', 'មាស'],
  ['Keo', 'កែវ'],
  ['Seng', 'សេង'],
  ['Phan', 'ផាន'],
  ['Touch', 'ទូច'],
  ['Chhay', 'ឆាយ'],
  ['Prak', 'ប្រាក់'],
  ['Mao', 'ម៉ៅ'],
  ['Sam', 'សំ'],
  ['Yim', 'យឹម'],
  ['Ouk', 'អ៊ុក'],
  ['Long', 'ឡុង'],
  ['Tep', 'ទេព'],
  ['Pen', 'ប៉ែន'],
];
const GIVEN_NAMES: Record<Sex, readonly (readonly [string, string])[]> = {
  male: [
    ['Dara', 'ដារ៉ា'],
    ['Sophal', 'សុផល'],
    ['Vannak', 'វណ្ណៈ'],
    ['Rithy', 'រិទ្ធី'],
    ['Kosal', 'កុសល'],
    ['Vuthy', 'វុឌ្ឍី'],
    ['Piseth', 'ពិសិដ្ឋ'],
    ['Rotha', 'រដ្ឋា'],
    ['Samnang', 'សំណាង'],
    ['Visal', 'វិសាល'],
    ['Sovann', 'សុវណ្ណ'],
    ['Chamroeun', 'ចំរើន'],
    ['Makara', 'មករា'],
    ['Virak', 'វីរៈ'],
  ],
  female: [
    ['Sokha', 'សុខា'],
    ['Bopha', 'បុប្ផា'],
    ['Chenda', 'ចិន្តា'],
    ['Sreymom', 'ស្រីមុំ'],
    ['Sophea', 'សោភា'],
    ['Chanthy', 'ចន្ធី'],
    ['Malis', 'ម្លិះ'],
    ['Sothea', 'សុធា'],
    ['Leakhena', 'លក្ខិណា'],
    ['Kanha', 'កញ្ញា'],
    ['Davy', 'ដាវី'],
    ['Channary', 'ចន្នារី'],
    ['Pisey', 'ពិសី'],
  ],
};

export interface PersonName {
  sex: Sex;
  first: string;
  last: string;
  latin: string;
  khmer: string;
}

/** Khmer order: family name first. */
export function personName(random: Random, sex: Sex = random.chance(0.5) ? 'female' : 'male') {
  const [last, lastKhmer] = random.pick(FAMILY_NAMES);
  const [first, firstKhmer] = random.pick(GIVEN_NAMES[sex]);
  return {
    sex,
    first,
    last,
    latin: `${last} ${first}`,
    khmer: `${lastKhmer} ${firstKhmer}`,
  } satisfies PersonName;
}

const MOBILE_PREFIXES = [
  '012',
  '011',
  '017',
  '077',
  '078',
  '085',
  '089',
  '092',
  '093',
  '096',
  '097',
];
export const digits = (random: Random, count: number): string =>
  Array.from({ length: count }, () => random.int(0, 9)).join('');

/** "012 345 678" */
export const phoneNumber = (random: Random): string =>
  `${random.pick(MOBILE_PREFIXES)} ${digits(random, 3)} ${digits(random, 3)}`;

// ---------------------------------------------------------------------------------------------
// Identity documents

export const ID_CARD_TYPES = [
  ['cambodian_identity', 88],
  ['passport', 5],
  ['family-book', 4],
  ['driver-license', 3],
] as const;

/** An id number in the shape of its document. */
export function idNumberFor(random: Random, cardType: string): string {
  switch (cardType) {
    case 'passport':
      return `N${digits(random, 7)}`;
    case 'family-book':
      return `${digits(random, 4)}-${digits(random, 2)}-${digits(random, 6)}`;
    case 'driver-license':
      return `DL${digits(random, 9)}`;
    default:
      return digits(random, 9);
  }
}

/** What each id number looks like (the e2e test checks decrypted values against it). */
export const ID_NUMBER_PATTERN = /^(\d{9}|N\d{7}|\d{4}-\d{2}-\d{6}|DL\d{9})$/;

// ---------------------------------------------------------------------------------------------
// Occupations

export interface Occupation {
  name: string;
  /** A kind the risk scorecard knows. */
  incomeSource: string;
  employers: readonly string[] | null;
  /** Monthly income range, USD. */
  income: readonly [number, number];
}

export const OCCUPATIONS: readonly (readonly [Occupation, number])[] = [
  [{ name: 'Market vendor', incomeSource: 'business', employers: null, income: [200, 1500] }, 18],
  [{ name: 'Rice farmer', incomeSource: 'agriculture', employers: null, income: [150, 700] }, 16],
  [
    {
      name: 'Garment worker',
      incomeSource: 'salary',
      employers: ['Golden Thread Garment Co., Ltd.', 'Angkor Textile Factory', 'Mekong Apparel'],
      income: [220, 380],
    },
    12,
  ],
  [
    {
      name: 'Teacher',
      incomeSource: 'salary',
      employers: ['Ministry of Education, Youth and Sport'],
      income: [300, 600],
    },
    6,
  ],
  [
    {
      name: 'Civil servant',
      incomeSource: 'salary',
      employers: ['Provincial Hall', 'Provincial Department of Health'],
      income: [300, 900],
    },
    5,
  ],
  [{ name: 'Tuk-tuk driver', incomeSource: 'business', employers: null, income: [200, 600] }, 6],
  [
    { name: 'Grocery shop owner', incomeSource: 'business', employers: null, income: [400, 2500] },
    9,
  ],
  [
    { name: 'Motorbike mechanic', incomeSource: 'business', employers: null, income: [250, 900] },
    5,
  ],
  [{ name: 'Tailor', incomeSource: 'business', employers: null, income: [180, 600] }, 4],
  [
    {
      name: 'Construction worker',
      incomeSource: 'salary',
      employers: ['Sok Construction Co., Ltd.', 'Bayon Builders'],
      income: [250, 500],
    },
    5,
  ],
  [{ name: 'Fisherman', incomeSource: 'agriculture', employers: null, income: [150, 600] }, 3],
  [{ name: 'Pig farmer', incomeSource: 'agriculture', employers: null, income: [250, 1200] }, 4],
  [
    {
      name: 'Nurse',
      incomeSource: 'salary',
      employers: ['Provincial Referral Hospital'],
      income: [350, 800],
    },
    2,
  ],
  [{ name: 'Restaurant owner', incomeSource: 'business', employers: null, income: [600, 3000] }, 3],
  [{ name: 'Homemaker', incomeSource: 'remittance', employers: null, income: [150, 500] }, 2],
];
