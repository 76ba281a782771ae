// The reason codes `explain` and `stats` report (SPEC "Decisions and reason codes"), each defined once.

/** Why a cross-sell was skipped or cancelled: exactly the SPEC's list of skip reasons. */
export type SkipReason =
  | 'no_email'
  | 'invalid_email'
  | 'no_consent'
  | 'unsubscribed'
  | 'suppressed'
  | 'high_return_rate'
  | 'high_service_load'
  | 'open_ticket'
  | 'frequency_cap'
  | 'rule_skip'
  | 'order_cancelled'
  | 'order_refunded'
  | 'no_complements'
  | 'expired';

/** Why an item was chosen (its wording in the email): needed for, goes with, often bought with the anchor. */
export type ItemReasonCode = 'needed_for' | 'goes_with' | 'often_bought_with';
