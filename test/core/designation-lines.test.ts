import { describe, expect, it } from 'vitest';
import { distinctDesignations, renamedListings } from '../../src/core/designation-lines';

describe('one line per distinct designation', () => {
  const records = [
    { id: 1, source_id: 'us-dod-1260h', name: 'SMIC Northern Integrated Circuit Manufacturing (Beijing) Co., Ltd' },
    { id: 2, source_id: 'us-dod-1260h', name: 'Semiconductor Manufacturing North China (Beijing) Corporation' },
    { id: 3, source_id: 'cn-lists', name: 'Marco Rubio' },
    { id: 4, source_id: 'cn-lists', name: 'Marco Rubio' },
    { id: 5, source_id: 'us-bis-el', name: 'SMIC Northern' },
    { id: 6, source_id: 'us-csl', name: 'SMIC Northern' },
  ];
  const rows = [
    { record_id: 1, list: 'US-DOD-1260H', status: 'active' },
    { record_id: 2, list: 'US-DOD-1260H', status: 'active' },
    { record_id: 3, list: 'CN-CM', status: 'active' },
    { record_id: 4, list: 'CN-CM', status: 'active' },
    { record_id: 5, list: 'US-BIS-EL', status: 'active' },
    { record_id: 6, list: 'US-BIS-EL', status: 'active' },
  ];

  it('folds a listing its source keeps under two names into one line: earliest start, every notice, newest link', () => {
    const renamed = renamedListings(records, rows);
    expect([...renamed]).toEqual(['US-DOD-1260H|active|us-dod-1260h']);
    const lines = distinctDesignations(
      [
        { list: 'US-DOD-1260H', status: 'active', since: '2021-06-03', source: 'us-dod-1260h', citation: '1260H list of 2021-06-03', programs: ['Section 1260H'] },
        { list: 'US-DOD-1260H', status: 'active', since: '2025-01-07', source: 'us-dod-1260h', citation: '91 FR 35189', url: 'https://example.org/2026.pdf', programs: ['Section 1260H'] },
      ],
      renamed,
    );
    expect(lines).toEqual([
      { list: 'US-DOD-1260H', status: 'active', since: '2021-06-03', source: 'us-dod-1260h', citation: '1260H list of 2021-06-03; 91 FR 35189', url: 'https://example.org/2026.pdf', programs: ['Section 1260H'] },
    ]);
  });

  it('keeps announcements under one name apart, and lines with the same facts from two sources once', () => {
    const renamed = renamedListings(records, rows);
    const lines = distinctDesignations(
      [
        { list: 'CN-CM', status: 'active', since: '2020-07-13', source: 'cn-lists' },
        { list: 'CN-CM', status: 'active', since: '2020-08-10', source: 'cn-lists' },
        { list: 'US-BIS-EL', status: 'active', since: '2020-12-22', source: 'us-bis-el', citation: '85 FR 83420' },
        { list: 'US-BIS-EL', status: 'active', since: '2020-12-22', source: 'us-csl', citation: '85 FR 83420' },
      ],
      renamed,
    );
    expect(lines.map((l) => `${l.list} ${l.since} ${l.source}`)).toEqual(['CN-CM 2020-07-13 cn-lists', 'CN-CM 2020-08-10 cn-lists', 'US-BIS-EL 2020-12-22 us-bis-el']);
  });
});
