import { describe, expect, it } from 'vitest';
import { factorKinds, factorMethods } from '../model.ts';
import { factorEndpoints, factorFolders, factorListings, secondFactors } from './registry.ts';

describe('the factor registry', () => {
  it('has a folder for every second factor, declaring the kind the rules read', () => {
    expect(Object.keys(secondFactors)).toEqual([...factorMethods]);
    for (const method of factorMethods) {
      expect(secondFactors[method].kind).toBe(factorKinds[method]);
      expect(factorFolders).toContain(secondFactors[method]);
    }
  });

  it("lists each kind's factors under its own method in GET /me", () => {
    expect(factorListings.map((listing) => listing.shape.type.value)).toEqual([...factorMethods]);
  });

  it('mounts every endpoint a folder declares, each once', () => {
    const declared = factorFolders.flatMap((folder) => folder.endpoints);
    expect(factorEndpoints).toEqual(declared);
    const keys = declared.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
