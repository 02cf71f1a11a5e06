import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedProject } from '../../../domain/access/key-check';
import { CurrentProject } from '../../../http/auth/current-project.decorator';
import { ServerKeyRoute } from '../../../http/auth/route-access';
import { ErrorResponseDto } from '../../../http/error-response.dto';
import { CreateSubscriptionTokenDto, SubscriptionTokenResponseDto } from './dto/create-subscription-token.dto';
import { CreateTokenDto, TokenResponseDto } from './dto/create-token.dto';
import { TokensService } from './tokens.service';

@ApiTags('tokens')
@ServerKeyRoute()
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid JSON or body (see `error`).' })
@ApiForbiddenResponse({
  type: ErrorResponseDto,
  description: 'A channel outside the project\'s channel policy, e.g. `Channel "private:b.payroll" is not allowed for project "acme".`',
})
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'CENTRIFUGO_TOKEN_HMAC_SECRET_KEY is not configured.' })
@Controller('api/realtime')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post('token')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenResponseDto, description: 'A connection JWT for the engine.' })
  createToken(@CurrentProject() project: AuthenticatedProject, @Body() body: CreateTokenDto): TokenResponseDto {
    return this.tokens.createConnectionToken(project, body);
  }

  @Post('subscription-token')
  @HttpCode(200)
  @ApiOkResponse({ type: SubscriptionTokenResponseDto, description: 'A subscription JWT for one channel.' })
  createSubscriptionToken(
    @CurrentProject() project: AuthenticatedProject,
    @Body() body: CreateSubscriptionTokenDto,
  ): SubscriptionTokenResponseDto {
    return this.tokens.createSubscriptionToken(project, body);
  }
}
