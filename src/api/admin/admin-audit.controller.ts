import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { auditEntryView } from '../../domain/audit/audit-entry.view';
import { AuditLog } from '../../domain/audit/audit-log';
import { AdminRoute } from '../../http/auth/route-access';
import { ErrorResponseDto } from '../../http/error-response.dto';
import { AuditPageDto, AuditQueryDto } from './dto/admin.dto';
import { pageOf } from './pagination';

/** The audit log, read-only: there is no route that changes or removes an entry. */
@ApiTags('admin')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'An invalid query.' })
@AdminRoute()
@Controller('api/admin/audit')
export class AdminAuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @ApiOkResponse({ type: AuditPageDto, description: 'Newest first; every change made through the CLI or the admin API.' })
  async list(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    const page = pageOf(query);
    const { entries, total } = await this.audit.list({ projectId: query.projectId, offset: page.offset, limit: page.limit });
    return { entries: entries.map(auditEntryView), page: page.page, pageSize: page.pageSize, total };
  }
}
