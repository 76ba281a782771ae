// Province → time zone for countries that span zones. No maintained library maps provinces to
// zones, so this is a small hand table: each province goes to the zone most of its people use.
// Each entry lists a province's codes, name and aliases separated by '|'; lookups ignore case,
// accents, spaces and punctuation.

type Table = Record<string, string[]>; // zone → its provinces

const US: Table = {
  'America/New_York': [
    'CT|Connecticut',
    'DE|Delaware',
    'DC|District of Columbia',
    'FL|Florida',
    'GA|Georgia',
    'KY|Kentucky',
    'ME|Maine',
    'MD|Maryland',
    'MA|Massachusetts',
    'NH|New Hampshire',
    'NJ|New Jersey',
    'NY|New York',
    'NC|North Carolina',
    'OH|Ohio',
    'PA|Pennsylvania',
    'RI|Rhode Island',
    'SC|South Carolina',
    'VT|Vermont',
    'VA|Virginia',
    'WV|West Virginia',
  ],
  'America/Detroit': ['MI|Michigan'],
  'America/Indiana/Indianapolis': ['IN|Indiana'],
  'America/Chicago': [
    'AL|Alabama',
    'AR|Arkansas',
    'IL|Illinois',
    'IA|Iowa',
    'KS|Kansas',
    'LA|Louisiana',
    'MN|Minnesota',
    'MS|Mississippi',
    'MO|Missouri',
    'NE|Nebraska',
    'ND|North Dakota',
    'OK|Oklahoma',
    'SD|South Dakota',
    'TN|Tennessee',
    'TX|Texas',
    'WI|Wisconsin',
  ],
  'America/Denver': ['CO|Colorado', 'MT|Montana', 'NM|New Mexico', 'UT|Utah', 'WY|Wyoming'],
  'America/Boise': ['ID|Idaho'],
  'America/Phoenix': ['AZ|Arizona'],
  'America/Los_Angeles': ['CA|California', 'NV|Nevada', 'OR|Oregon', 'WA|Washington'],
  'America/Anchorage': ['AK|Alaska'],
  'Pacific/Honolulu': ['HI|Hawaii'],
  'America/Puerto_Rico': ['PR|Puerto Rico'],
  'America/St_Thomas': ['VI|Virgin Islands|U.S. Virgin Islands'],
  'Pacific/Guam': ['GU|Guam'],
  'Pacific/Pago_Pago': ['AS|American Samoa'],
  'Pacific/Saipan': ['MP|Northern Mariana Islands'],
};

const CA: Table = {
  'America/Vancouver': ['BC|British Columbia|Colombie-Britannique'],
  'America/Edmonton': ['AB|Alberta', 'NT|Northwest Territories|Territoires du Nord-Ouest'],
  'America/Regina': ['SK|Saskatchewan'],
  'America/Winnipeg': ['MB|Manitoba'],
  'America/Toronto': ['ON|Ontario', 'QC|Quebec|PQ'],
  'America/Halifax': ['NS|Nova Scotia|Nouvelle-Ecosse', 'PE|Prince Edward Island|PEI|Ile-du-Prince-Edouard'],
  'America/Moncton': ['NB|New Brunswick|Nouveau-Brunswick'],
  'America/St_Johns': ['NL|Newfoundland and Labrador|Newfoundland|NF|Terre-Neuve-et-Labrador'],
  'America/Whitehorse': ['YT|Yukon'],
  'America/Iqaluit': ['NU|Nunavut'],
};

const AU: Table = {
  'Australia/Sydney': ['NSW|New South Wales', 'ACT|Australian Capital Territory'],
  'Australia/Melbourne': ['VIC|Victoria'],
  'Australia/Brisbane': ['QLD|Queensland'],
  'Australia/Adelaide': ['SA|South Australia'],
  'Australia/Perth': ['WA|Western Australia'],
  'Australia/Hobart': ['TAS|Tasmania'],
  'Australia/Darwin': ['NT|Northern Territory'],
};

const BR: Table = {
  'America/Sao_Paulo': [
    'SP|São Paulo',
    'RJ|Rio de Janeiro',
    'MG|Minas Gerais',
    'ES|Espírito Santo',
    'PR|Paraná',
    'SC|Santa Catarina',
    'RS|Rio Grande do Sul',
    'GO|Goiás',
    'DF|Distrito Federal',
  ],
  'America/Bahia': ['BA|Bahia'],
  'America/Fortaleza': ['CE|Ceará', 'MA|Maranhão', 'PI|Piauí', 'RN|Rio Grande do Norte', 'PB|Paraíba'],
  'America/Recife': ['PE|Pernambuco'],
  'America/Maceio': ['AL|Alagoas', 'SE|Sergipe'],
  'America/Belem': ['PA|Pará', 'AP|Amapá'],
  'America/Araguaina': ['TO|Tocantins'],
  'America/Manaus': ['AM|Amazonas'],
  'America/Cuiaba': ['MT|Mato Grosso'],
  'America/Campo_Grande': ['MS|Mato Grosso do Sul'],
  'America/Porto_Velho': ['RO|Rondônia'],
  'America/Boa_Vista': ['RR|Roraima'],
  'America/Rio_Branco': ['AC|Acre'],
};

// Mexico: Shopify codes, ISO 3166-2 codes and names.
const MX: Table = {
  'America/Tijuana': ['BC|BCN|Baja California'],
  'America/Mazatlan': ['BCS|Baja California Sur', 'SIN|Sinaloa', 'NAY|Nayarit'],
  'America/Hermosillo': ['SON|Sonora'],
  'America/Chihuahua': ['CHIH|CHH|Chihuahua'],
  'America/Cancun': ['ROO|Q ROO|QROO|Quintana Roo'],
  'America/Merida': ['YUC|Yucatán', 'CAMP|CAM|Campeche'],
  'America/Monterrey': ['NL|NLE|Nuevo León', 'COAH|COA|Coahuila|Coahuila de Zaragoza', 'TAMPS|TAM|Tamaulipas'],
  'America/Mexico_City': [
    'CDMX|CMX|DF|Ciudad de México|Mexico City|Distrito Federal',
    'MEX|Estado de México|México',
    'AGS|AGU|Aguascalientes',
    'CHIS|CHP|Chiapas',
    'COL|Colima',
    'DGO|DUR|Durango',
    'GTO|GUA|Guanajuato',
    'GRO|Guerrero',
    'HGO|HID|Hidalgo',
    'JAL|Jalisco',
    'MICH|MIC|Michoacán|Michoacán de Ocampo',
    'MOR|Morelos',
    'OAX|Oaxaca',
    'PUE|Puebla',
    'QRO|QUE|Querétaro',
    'SLP|San Luis Potosí',
    'TAB|Tabasco',
    'TLAX|TLA|Tlaxcala',
    'VER|Veracruz|Veracruz de Ignacio de la Llave',
    'ZAC|Zacatecas',
  ],
};

/** Lower-case ASCII letters and digits only: "São Paulo" → "saopaulo", "Q ROO" → "qroo". */
export function provinceKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

// An entry is 'CODE|Name|Alias…'; every part is a key.
function entryKeys(entry: string): string[] {
  return entry.split('|').map(provinceKey);
}

function index(table: Table): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const [zone, entries] of Object.entries(table)) {
    for (const entry of entries) {
      for (const key of entryKeys(entry)) {
        // A key claimed by two zones is a typo in the table; fail loudly at load, not silently later.
        const seen = byKey.get(key);
        if (seen !== undefined && seen !== zone) throw new Error(`province key "${key}" maps to ${seen} and ${zone}`);
        byKey.set(key, zone);
      }
    }
  }
  return byKey;
}

const BY_COUNTRY: Record<string, Map<string, string>> = {
  US: index(US),
  CA: index(CA),
  AU: index(AU),
  BR: index(BR),
  MX: index(MX),
};

/** Every zone the tables use, so a test can check each exists in the runtime's tz database. */
export const PROVINCE_ZONES: readonly string[] = [US, CA, AU, BR, MX].flatMap((t) => Object.keys(t));

/** The zone for a province of a multi-zone country, or undefined when unknown. */
export function provinceZone(country: string, province: string): string | undefined {
  const table = BY_COUNTRY[country];
  if (!table) return undefined;
  // Accept ISO 3166-2 style "US-CA" as well as "CA".
  const bare = province.trim().replace(new RegExp(`^${country}-`, 'i'), '');
  return table.get(provinceKey(bare));
}
