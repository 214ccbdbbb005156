import { describe, expect, it } from 'vitest';
import {
  CIRCUIT_OPEN,
  circuitOpen,
  decideAdmission,
  httpDependency,
  llmDependency,
  MIN_CIRCUIT_RETRY_MS,
  PROBE_WAIT_CAP_MS,
} from '../src/index';

describe('decideAdmission', () => {
  it('lets calls through an unknown or closed circuit', () => {
    expect(decideAdmission(undefined)).toEqual({ kind: 'allow' });
    expect(decideAdmission({ state: 'closed', probeInFlight: false, retryInMs: 0 })).toEqual({
      kind: 'allow',
    });
  });
  it('rejects while open, until half-open', () => {
    expect(decideAdmission({ state: 'open', probeInFlight: false, retryInMs: 12_345 })).toEqual({
      kind: 'reject',
      state: 'open',
      retryInMs: 12_345,
    });
    expect(decideAdmission({ state: 'open', probeInFlight: false, retryInMs: 3 })).toMatchObject({
      retryInMs: MIN_CIRCUIT_RETRY_MS,
    });
  });
  it('makes the first caller of a half-open circuit the probe', () => {
    expect(decideAdmission({ state: 'half_open', probeInFlight: false, retryInMs: 0 })).toEqual({
      kind: 'probe',
    });
  });
  it('rejects others while a probe is in flight, coming back soon', () => {
    expect(decideAdmission({ state: 'half_open', probeInFlight: true, retryInMs: 40_000 })).toEqual({
      kind: 'reject',
      state: 'half_open',
      retryInMs: PROBE_WAIT_CAP_MS,
    });
    expect(decideAdmission({ state: 'half_open', probeInFlight: true, retryInMs: 250 })).toMatchObject({
      retryInMs: 250,
    });
  });
});

describe('dependency keys', () => {
  it('keys HTTP by origin and LLM providers by base URL', () => {
    expect(httpDependency('https://API.example.com:443/v1/items?x=1')).toBe('https://api.example.com');
    expect(httpDependency('http://127.0.0.1:8080/a')).toBe('http://127.0.0.1:8080');
    expect(llmDependency('https://api.openai.com/v1/')).toBe('llm:https://api.openai.com/v1');
  });
});

describe('circuitOpen', () => {
  it('is a retryable CircuitOpen failure whose next retry delay is the wait', () => {
    const f = circuitOpen('http://h:1', 'open', 1234.4);
    expect(f.type).toBe(CIRCUIT_OPEN);
    expect(f.nonRetryable).toBe(false);
    expect(f.nextRetryDelay).toBe(1234);
    expect(f.details).toEqual([{ dependency: 'http://h:1', state: 'open', retryInMs: 1234 }]);
  });
});
