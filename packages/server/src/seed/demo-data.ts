/**
 * The demo's fixed facts: people, customers, equipment, job templates and a pricebook.
 * Dates are filled in by demo.ts relative to the server's local day.
 */
import type { CustomerRecord, PricebookItem } from '../store/store';

/** Demo accounts; every password is `outpost`. */
export const DEMO_USERS = [
  { id: 'alice', name: 'Alice Moreno', role: 'technician' },
  { id: 'bob', name: 'Bob Okafor', role: 'technician' },
  { id: 'dana', name: 'Dana Whitfield', role: 'dispatcher' },
] as const;

/** Demo customers. */
export const DEMO_CUSTOMERS: CustomerRecord[] = [
  {
    id: 'cust-1',
    notes: 'Park in the rear lot; the rooftop hatch key is at the front desk. Ask for Maria.',
    name: 'Harbor View Dental',
    phone: '555-0101',
    email: 'office@harborviewdental.example',
    address: '12 Wharf St, Portside',
  },
  {
    id: 'cust-2',
    notes: 'Deliveries 6–9 am block the loading dock: come after 9. Store manager signs.',
    name: 'Greenleaf Grocers',
    phone: '555-0102',
    email: 'manager@greenleaf.example',
    address: '440 Market Ave, Portside',
  },
  {
    id: 'cust-3',
    notes: 'Superintendent lives in unit 1A. Small dog in the boiler room office.',
    name: 'Maple Court Apartments',
    phone: '555-0103',
    email: 'super@maplecourt.example',
    address: '9 Maple Ct, Eastfield',
  },
  {
    id: 'cust-4',
    notes: 'Safety glasses required on the brew floor. Gate code 4411.',
    name: 'Riverside Brewing Co.',
    phone: '555-0104',
    email: 'ops@riversidebrew.example',
    address: '77 Mill Rd, Riverside',
  },
  {
    id: 'cust-5',
    notes: 'Side door on Chapel Ln; key with the parish office, closed Mondays.',
    name: 'St. Anne Parish Hall',
    phone: '555-0105',
    email: 'facilities@stanne.example',
    address: '3 Chapel Ln, Oldtown',
  },
  {
    id: 'cust-6',
    notes: 'Photo ID at security; escort required beyond the lobby. No photos of racks.',
    name: 'Northgate Data Center',
    phone: '555-0106',
    email: 'noc@northgate.example',
    address: '1 Server Way, Northgate',
  },
];

/** Demo equipment: [customer, kind, make, model, refrigerant]. */
export const DEMO_EQUIPMENT: [string, string, string, string, string][] = [
  ['cust-1', 'rooftop unit', 'Carrier', '48FC-05', 'R-410A'],
  ['cust-2', 'walk-in cooler', 'Heatcraft', 'PRO3-050', 'R-448A'],
  ['cust-2', 'reach-in freezer', 'True', 'T-49F', 'R-290'],
  ['cust-3', 'boiler', 'Weil-McLain', 'CGa-6', ''],
  ['cust-3', 'split system', 'Trane', 'XR14', 'R-410A'],
  ['cust-4', 'glycol chiller', 'G&D', 'GD-3HP', 'R-404A'],
  ['cust-5', 'furnace', 'Lennox', 'EL296V', ''],
  ['cust-6', 'CRAC unit', 'Liebert', 'DS-105', 'R-407C'],
  ['cust-6', 'condenser', 'Liebert', 'MCV-220', 'R-407C'],
];

const STANDARD_CHECKLIST = [
  { label: 'Check in with the site contact', required: true },
  { label: 'Inspect filters and belts', required: false },
  { label: 'Record pressures and temperatures', required: true },
  { label: 'Clean up the work area', required: false },
];

/** Job templates: [title, customer, day offset, start hour, hours, assignees]. */
export const DEMO_JOBS: { title: string; customerId: string; day: number; hour: number; hours: number; assignees: string[] }[] = [
  { title: 'Rooftop unit not cooling', customerId: 'cust-1', day: 0, hour: 8, hours: 2, assignees: ['alice'] },
  { title: 'Walk-in cooler temperature alarm', customerId: 'cust-2', day: 0, hour: 9, hours: 3, assignees: ['bob'] },
  { title: 'Annual boiler inspection', customerId: 'cust-3', day: 0, hour: 11, hours: 2, assignees: ['alice'] },
  { title: 'Glycol chiller leak check', customerId: 'cust-4', day: 0, hour: 13, hours: 3, assignees: ['alice', 'bob'] },
  { title: 'Freezer door gasket replacement', customerId: 'cust-2', day: 0, hour: 14, hours: 1, assignees: ['bob'] },
  { title: 'Furnace no-heat call', customerId: 'cust-5', day: 0, hour: 16, hours: 2, assignees: ['alice'] },
  { title: 'CRAC unit quarterly maintenance', customerId: 'cust-6', day: 1, hour: 7, hours: 4, assignees: ['alice', 'bob'] },
  { title: 'Split system install follow-up', customerId: 'cust-3', day: 1, hour: 9, hours: 2, assignees: ['bob'] },
  { title: 'Rooftop unit filter change', customerId: 'cust-1', day: 1, hour: 11, hours: 1, assignees: ['alice'] },
  { title: 'Condenser fan motor noise', customerId: 'cust-6', day: 1, hour: 13, hours: 2, assignees: ['bob'] },
  { title: 'Brewhouse chiller refrigerant top-up', customerId: 'cust-4', day: 1, hour: 14, hours: 2, assignees: ['alice'] },
  { title: 'Parish hall thermostat upgrade', customerId: 'cust-5', day: 1, hour: 15, hours: 2, assignees: ['bob'] },
].map((j) => ({ ...j }));

/** The checklist every demo job starts with. */
export const DEMO_CHECKLIST = STANDARD_CHECKLIST;

const CATEGORIES: [string, string, [string, number][]][] = [
  [
    'labor',
    'LAB',
    [
      ['Standard labor, per hour', 9500],
      ['Overtime labor, per hour', 14250],
      ['Emergency call-out fee', 17500],
      ['Diagnostic fee', 8900],
      ['Travel charge', 4500],
      ['Apprentice labor, per hour', 5500],
    ],
  ],
  [
    'refrigerant',
    'REF',
    [
      ['R-410A, per lb', 4200],
      ['R-404A, per lb', 5800],
      ['R-448A, per lb', 6100],
      ['R-407C, per lb', 5200],
      ['R-290, per oz', 900],
      ['Leak detection dye', 3500],
      ['Refrigerant recovery', 12000],
    ],
  ],
  [
    'filters',
    'FLT',
    [
      ['Pleated filter 16x25x2', 1800],
      ['Pleated filter 20x25x4', 3400],
      ['Pleated filter 24x24x2', 2200],
      ['Washable filter 20x20x1', 2900],
      ['Grease filter 20x20', 4100],
      ['Carbon filter 16x20x1', 3800],
    ],
  ],
  [
    'electrical',
    'ELC',
    [
      ['Run capacitor 45/5 uF', 3600],
      ['Start capacitor 88-108 uF', 2900],
      ['Contactor 2-pole 30A', 4800],
      ['Time-delay relay', 5200],
      ['Disconnect switch 60A', 6900],
      ['Thermostat wire, per ft', 90],
      ['Fuse 30A (pair)', 1500],
    ],
  ],
  [
    'motors',
    'MTR',
    [
      ['Condenser fan motor 1/4 HP', 18900],
      ['Condenser fan motor 1/3 HP', 21900],
      ['Blower motor 1/2 HP', 26500],
      ['ECM blower motor', 48900],
      ['Fan blade 20 in', 7400],
      ['Motor mount kit', 2600],
    ],
  ],
  [
    'parts',
    'PRT',
    [
      ['Door gasket, reach-in', 8900],
      ['Door gasket, walk-in', 16900],
      ['Drain line cleaning kit', 2400],
      ['Condensate pump', 11900],
      ['Expansion valve', 18500],
      ['Filter drier', 3200],
      ['Sight glass', 2800],
      ['Flare fittings (set)', 1900],
    ],
  ],
  [
    'controls',
    'CTL',
    [
      ['Programmable thermostat', 15900],
      ['Smart thermostat', 24900],
      ['Temperature sensor', 4600],
      ['Pressure switch', 5400],
      ['Defrost timer', 6800],
      ['Low-ambient kit', 17900],
    ],
  ],
  [
    'maintenance',
    'MNT',
    [
      ['Coil cleaning', 12500],
      ['Belt replacement', 3900],
      ['Annual maintenance visit', 18900],
      ['Boiler tune-up', 21500],
    ],
  ],
];

/** Items for quotes and special orders: in the full pricebook, not downloaded to devices. */
const SPECIAL_ORDER: [string, number][] = [
  ['Compressor, scroll 3 ton', 148000],
  ['Compressor, scroll 5 ton', 212000],
  ['Compressor, semi-hermetic 7.5 HP', 465000],
  ['Compressor, reciprocating 2 HP', 98000],
  ['Condensing unit 3 ton, R-454B', 389000],
  ['Evaporator coil 4 ton', 142000],
  ['Heat exchanger, gas furnace', 118000],
  ['Boiler circulator pump', 64500],
  ['Chiller plate heat exchanger', 286000],
  ['Ice machine evaporator plate', 91000],
  ['Walk-in evaporator unit', 254000],
  ['CRAC humidifier canister', 38900],
];

/** About fifty active pricebook items across categories, and a dozen special-order ones. */
export const DEMO_PRICEBOOK: PricebookItem[] = [
  ...CATEGORIES.flatMap(([category, prefix, items]) =>
    items.map(([description, unitPriceCents], i) => {
      const sku = `${prefix}-${String(i + 1).padStart(3, '0')}`;
      return { id: `pb-${sku.toLowerCase()}`, sku, description, unitPriceCents, category };
    }),
  ),
  ...SPECIAL_ORDER.map(([description, unitPriceCents], i) => {
    const sku = `SPO-${String(i + 1).padStart(3, '0')}`;
    return { id: `pb-${sku.toLowerCase()}`, sku, description, unitPriceCents, category: 'special order', active: false };
  }),
];
