export * from './sdk/define-activity';
export * from './sdk/catalog';
export * from './sdk/to-temporal';
export * from './secrets/secret-provider';
export * from './builtins';
