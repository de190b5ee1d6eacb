import { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps every line (all levels), so a test can search what was logged. */
export class CaptureLogger implements LoggerService {
  readonly lines: string[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.keep('log', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.keep('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.keep('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.keep('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.keep('verbose', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.keep('fatal', message, rest);
  }

  /** Everything logged, as one string. */
  get text(): string {
    return this.lines.join('\n');
  }

  private keep(level: string, message: unknown, rest: unknown[]): void {
    const parts = [message, ...rest].map((part) =>
      typeof part === 'string'
        ? part
        : part instanceof Error
          ? `${part.message} ${part.stack}`
          : JSON.stringify(part),
    );
    this.lines.push(`${level}: ${parts.join(' ')}`);
  }
}
