export { RULES } from './generated.js';
export {
  expandExample,
  rng,
  randomString,
  ALPHABETS,
  type AlphabetName,
  type ExpandedExample,
} from './examples.js';
