// Where a cross-sell stands (SPEC "Decisions and reason codes"), plus `sending`: the claim
// held while the email is handed to SMTP (a crash there is resolved by the reconciler).
export type CrossSellStatus =
  'waiting' | 'scheduled' | 'sending' | 'sent' | 'held_out' | 'skipped' | 'cancelled' | 'failed';
