// Preloaded by `bun test`: the conformance suite imports its API from 'vitest'; here the same
// functions come from Bun's own test runner (describe, it, expect, beforeEach, afterEach).
import * as bunTest from 'bun:test';

bunTest.mock.module('vitest', () => bunTest);
