/** The one shape of every error this service answers itself (documented by ErrorResponseDto). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  details?: string[];
}

export function errorBody(statusCode: number, error: string, details?: string[]): ErrorBody {
  return details ? { statusCode, error, details } : { statusCode, error };
}
