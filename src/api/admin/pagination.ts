import type { PageQueryDto } from './dto/admin.dto';

const DEFAULT_PAGE_SIZE = 50;

/** A page query with its defaults, and the offset it means. */
export function pageOf(query: PageQueryDto): { page: number; pageSize: number; offset: number; limit: number } {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  return { page, pageSize, offset: (page - 1) * pageSize, limit: pageSize };
}
