import { Module } from '@nestjs/common';
import { EchoController } from './echo/echo.controller';

@Module({ controllers: [EchoController] })
export class AppModule {}
