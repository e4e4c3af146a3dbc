/**
 * The ISO 4217 alphabetic codes of the currencies in circulation (list one of the standard, as of
 * 2026), without the codes for funds, precious metals, testing (`XTS`) and "no currency" (`XXX`).
 * A fixed list rather than `Intl.supportedValuesOf('currency')`, whose answer depends on the ICU
 * version of the runtime, so the bank accepts the same codes locally and in every Lambda runtime.
 */
export const ISO_4217_CURRENCIES: ReadonlySet<string> = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN ' +
    'BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS ' +
    'GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW ' +
    'KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD ' +
    'NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD ' +
    'SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES ' +
    'VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG'
  ).split(' '),
);

/** True for an ISO 4217 code of a currency in circulation, e.g. `'EUR'`; false for `'XYZ'`. */
export const isCurrencyCode = (value: unknown): value is string =>
  typeof value === 'string' && ISO_4217_CURRENCIES.has(value);
