export * from './encryption-keys';
export * from './aes-gcm.codec';
export * from './data-converter';
export * from './codec-server';
