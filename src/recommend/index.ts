// Public surface of item selection.
export type {
  BoughtLine,
  CatalogItem,
  CoPurchaseModel,
  HistoryPurchase,
  HistoryWeighting,
  ItemSource,
  Neighbour,
  PickedItem,
  PickInput,
  PickLimits,
  PickResult,
} from './types.js';
export { pickItems, reasonText, noItemsText } from './pick-items.js';
export {
  buildCoPurchase,
  modelFromRows,
  type Basket,
  type BuiltCoPurchase,
  type CoPurchaseOptions,
  type CoPurchaseRow,
} from './copurchase.js';
export {
  anchorsFor,
  scoreCandidates,
  DEFAULT_WEIGHTING,
  type Anchor,
  type LearnedScores,
  type Scored,
} from './score.js';
export { reject, rejectById, typeKey, typeSlot, type Rejection } from './filters.js';
export {
  evaluate,
  evaluateHistory,
  loadPurchases,
  type EvaluateOptions,
  type EvaluateResult,
  type Invoice,
  type PurchaseHistory,
} from './evaluate.js';
