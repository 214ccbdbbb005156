export * from './decision.types';
