import { ArgumentMetadata } from '@nestjs/common';
import { PageQuery, pageOf, pageWindow } from './pagination';
import { toInteger } from './transforms';
import { ValidationProblem } from './problem';
import { ProblemValidationPipe } from './validation';

const pipe = new ProblemValidationPipe();
const metadata: ArgumentMetadata = { type: 'query', metatype: PageQuery };

function parse(query: Record<string, unknown>): Promise<unknown> {
  return pipe.transform(query, metadata);
}

async function refusal(query: Record<string, unknown>): Promise<ValidationProblem> {
  try {
    await parse(query);
  } catch (error) {
    if (error instanceof ValidationProblem) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(query)} to be refused`);
}

describe('PageQuery through the validation pipe', () => {
  it('defaults to page 1 of size 10', async () => {
    const result = await parse({});
    expect(result).toBeInstanceOf(PageQuery);
    expect(result).toEqual({ page: 1, size: 10 });
  });

  it('converts query strings to integers', async () => {
    await expect(parse({ page: '3', size: '25' })).resolves.toEqual({ page: 3, size: 25 });
  });

  it.each([
    ['100', 100],
    ['101', 100],
    ['1000', 100],
  ])('clamps size=%s to %d', async (size, expected) => {
    await expect(parse({ size })).resolves.toEqual({ page: 1, size: expected });
  });

  it.each([
    [{ size: '0' }, 'size'],
    [{ size: '-5' }, 'size'],
    [{ size: 'ten' }, 'size'],
    [{ page: '0' }, 'page'],
    [{ page: '-1' }, 'page'],
    [{ page: 'abc' }, 'page'],
    [{ page: '1.5' }, 'page'],
    [{ page: '' }, 'page'],
  ])('refuses %p at query.%s', async (query, field) => {
    const problem = await refusal(query);
    expect(problem.getStatus()).toBe(422);
    const locations = problem.problem.errors?.map((error) => error.loc);
    expect(locations?.length).toBeGreaterThan(0);
    expect(locations?.every((loc) => loc[0] === 'query' && loc[1] === field)).toBe(true);
  });

  it('says why page=abc is refused', async () => {
    const problem = await refusal({ page: 'abc' });
    expect(problem.problem.errors).toContainEqual({
      loc: ['query', 'page'],
      msg: 'must be an integer number',
      type: 'isInt',
    });
  });

  it('refuses unknown query parameters', async () => {
    const problem = await refusal({ page: '1', limit: '5' });
    expect(problem.problem.errors).toEqual([
      { loc: ['query', 'limit'], msg: 'is not an allowed field', type: 'unknown_field' },
    ]);
  });
});

describe('toInteger', () => {
  it('converts only whole-number strings', () => {
    expect(toInteger('42')).toBe(42);
    expect(toInteger(' 7 ')).toBe(7);
    expect(toInteger('-3')).toBe(-3);
    expect(toInteger('4.5')).toBe('4.5');
    expect(toInteger('1e3')).toBe('1e3');
    expect(toInteger('')).toBe('');
    expect(toInteger(5)).toBe(5);
  });
});

describe('pageOf', () => {
  it('says there are no pages when there are no items', () => {
    expect(pageOf([], 0, { page: 1, size: 10 })).toEqual({
      items: [],
      total: 0,
      page: 1,
      size: 10,
      pages: 0,
    });
  });

  it('rounds the page count up', () => {
    expect(pageOf(['last'], 101, { page: 11, size: 10 })).toEqual({
      items: ['last'],
      total: 101,
      page: 11,
      size: 10,
      pages: 11,
    });
    expect(pageOf([], 100, { page: 1, size: 10 }).pages).toBe(10);
    expect(pageOf([], 1, { page: 1, size: 100 }).pages).toBe(1);
  });
});

describe('pageWindow', () => {
  it('skips the rows of earlier pages', () => {
    expect(pageWindow({ page: 1, size: 10 })).toEqual({ skip: 0, take: 10 });
    expect(pageWindow({ page: 3, size: 25 })).toEqual({ skip: 50, take: 25 });
  });
});
