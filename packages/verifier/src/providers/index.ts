import { anthropicAdminCheck, anthropicCheck } from './anthropic.js';
import {
  cohereCheck,
  deepSeekCheck,
  deepgramCheck,
  elevenLabsCheck,
  fireworksCheck,
  groqCheck,
  huggingFaceCheck,
  mistralCheck,
  openRouterCheck,
  replicateCheck,
  togetherCheck,
  xaiCheck,
} from './bearer.js';
import type { Check } from './check.js';
import { googleCheck } from './google.js';
import { openAiAdminCheck, openAiCheck } from './openai.js';
import {
  githubInstallationCheck,
  githubUserCheck,
  langSmithCheck,
  slackCheck,
  stripeCheck,
  tavilyCheck,
} from './services.js';

export type { Check, ReachPlan, ReachProbe } from './check.js';

/** Which check verifies a finding, by the rule id that found it. */
const CHECKS: Readonly<Record<string, Check>> = {
  'openai-project-key': openAiCheck,
  'openai-service-account-key': openAiCheck,
  'openai-legacy-key': openAiCheck,
  'openai-user-key': openAiCheck,
  'openai-admin-key': openAiAdminCheck,
  'anthropic-api-key': anthropicCheck,
  'anthropic-admin-key': anthropicAdminCheck,
  'groq-api-key': groqCheck,
  'openrouter-api-key': openRouterCheck,
  'huggingface-token': huggingFaceCheck,
  'google-ai-api-key': googleCheck,
  'xai-api-key': xaiCheck,
  'replicate-api-token': replicateCheck,
  'deepseek-api-key': deepSeekCheck,
  'mistral-api-key': mistralCheck,
  'cohere-api-key': cohereCheck,
  'github-pat': githubUserCheck,
  'github-fine-grained-pat': githubUserCheck,
  'github-oauth-token': githubUserCheck,
  'github-app-user-token': githubUserCheck,
  'github-app-installation-token': githubInstallationCheck,
  'slack-bot-token': slackCheck,
  'slack-user-token': slackCheck,
  'stripe-secret-key': stripeCheck,
  'stripe-restricted-key': stripeCheck,
  'stripe-test-key': stripeCheck,
  'tavily-api-key': tavilyCheck,
  'langsmith-api-key': langSmithCheck,
  'elevenlabs-api-key': elevenLabsCheck,
  'elevenlabs-legacy-api-key': elevenLabsCheck,
  'deepgram-api-key': deepgramCheck,
  'together-api-key': togetherCheck,
  'together-legacy-api-key': togetherCheck,
  'fireworks-api-key': fireworksCheck,
};

/** Rules keyward finds but cannot check with a free, side-effect-free GET, and why. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  'perplexity-api-key': 'Perplexity offers no free read-only endpoint to check a key',
  'anthropic-oauth-token': 'a Claude OAuth token is not an API key; keyward has no read-only check for it',
  'azure-openai-key':
    'an Azure OpenAI key works only against its own resource host, which the key does not name',
  'generic-secret': 'a generic secret names no provider to ask',
  'github-app-refresh-token':
    'a GitHub refresh token is checked only by exchanging it (a POST that spends it); keyward never does',
  'slack-app-token': "Slack's only check for an app-level token opens a Socket Mode connection (a POST)",
  'slack-webhook-url': 'a Slack webhook can only be checked by posting to it, which keyward never does',
  'brave-search-api-key': "every Brave Search call is a search, counted against the plan's queries",
  'exa-api-key': 'Exa offers no free read-only endpoint to check an API key',
  'serpapi-api-key':
    "SerpApi's free account check takes the key in the URL's query; keyward sends keys in headers only",
  'voyage-api-key':
    "Voyage's only calls embed or rerank (a POST that spends tokens); keyward never sends one",
  'supabase-secret-key': "a Supabase key works only against its project's URL, which the key does not name",
};

export function checkFor(ruleId: string): Check | undefined {
  return Object.hasOwn(CHECKS, ruleId) ? CHECKS[ruleId] : undefined;
}

/** Why a rule's keys are not checked (for the `unsupported` verdict). */
export function unsupportedReason(ruleId: string): string {
  return Object.hasOwn(UNSUPPORTED, ruleId)
    ? UNSUPPORTED[ruleId]!
    : `keyward has no live check for ${ruleId} keys`;
}

/** Rule ids that have a live check. */
export const VERIFIABLE_RULE_IDS: readonly string[] = Object.keys(CHECKS);
