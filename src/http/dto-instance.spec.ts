import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsObject, IsString, ValidateNested } from 'class-validator';
import { IsOmittable } from './validation';
import { hasTransformerRules, toDtoInstance } from './dto-instance';
import { StrictValidationPipe } from './validation';

class PlainDto {
  @IsString() name!: string;
  @IsOmittable() @IsObject() info?: Record<string, unknown>;
}

class NumberQueryDto {
  @IsOmittable() @Type(() => Number) @IsInt({ message: 'page must be a whole number' }) page?: number;
}

class ChildOfNumberQueryDto extends NumberQueryDto {
  @IsOmittable() @IsString() projectId?: string;
}

class PositionDto {
  @IsInt({ message: 'offset must be a whole number' }) offset!: number;
}

class NestedDto {
  @IsOmittable() @IsObject() @ValidateNested() @Type(() => PositionDto) since?: PositionDto;
}

describe('toDtoInstance: the DTO the validation sees', () => {
  it('tells the classes class-transformer has work for from those it has none for', () => {
    expect(hasTransformerRules(PlainDto)).toBe(false);
    expect(hasTransformerRules(NumberQueryDto)).toBe(true);
    expect(hasTransformerRules(ChildOfNumberQueryDto)).toBe(true); // the rule is inherited
    expect(hasTransformerRules(NestedDto)).toBe(true);
  });

  it('builds a plain DTO as plainToInstance does', () => {
    const body = { name: 'n', info: { a: [1, { b: 'c' }] } };
    const built = toDtoInstance(PlainDto, body);
    expect(built).toBeInstanceOf(PlainDto);
    expect(built).toEqual(plainToInstance(PlainDto, body));
  });

  it('still applies class-transformer where a DTO has rules: a query number, a nested DTO', () => {
    expect(toDtoInstance(ChildOfNumberQueryDto, { page: '3' }).page).toBe(3);
    expect(toDtoInstance(NestedDto, { since: { offset: 1 } }).since).toBeInstanceOf(PositionDto);
  });
});

describe('StrictValidationPipe on DTOs with and without class-transformer rules', () => {
  const pipe = new StrictValidationPipe();
  const problems = (metatype: new () => object, value: unknown, type: 'body' | 'query' = 'body'): string[] => {
    try {
      pipe.transform(value, { type, metatype });
      return [];
    } catch (error) {
      return (error as { getResponse(): { details?: string[] } }).getResponse().details ?? [];
    }
  };

  it('validates the fields of a nested DTO (they would pass unseen as a plain object)', () => {
    expect(problems(NestedDto, { since: { offset: 'x' } })).toEqual(['offset must be a whole number']);
    expect(problems(NestedDto, { since: { offset: 1, extra: true } })).toEqual(['unknown field "since.extra"']);
  });

  it('converts a query number and refuses a word', () => {
    expect(pipe.transform({ page: '2' }, { type: 'query', metatype: NumberQueryDto })).toEqual(
      Object.assign(new NumberQueryDto(), { page: 2 }),
    );
    expect(problems(NumberQueryDto, { page: 'two' }, 'query')).toEqual(['page must be a whole number']);
  });

  it("drops a query's reserved keys, as Nest's pipe did, and refuses unknown ones", () => {
    const query = Object.assign(Object.create(null) as object, { page: '1', constructor: 'x', ['__proto__']: 'y' });
    expect(pipe.transform(query, { type: 'query', metatype: NumberQueryDto })).toEqual(Object.assign(new NumberQueryDto(), { page: 1 }));
    expect(problems(NumberQueryDto, { page: '1', pagesize: '2' }, 'query')).toEqual(['unknown field "pagesize"']);
  });

  it("refuses unknown fields of a plain DTO and keeps the body's values", () => {
    expect(problems(PlainDto, { name: 'n', nmae: 'x' })).toEqual(['unknown field "nmae"']);
    const info = { nested: { deep: [1, 2] } };
    expect(pipe.transform({ name: 'n', info }, { type: 'body', metatype: PlainDto })).toEqual(
      Object.assign(new PlainDto(), { name: 'n', info }),
    );
  });
});
