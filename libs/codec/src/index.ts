export * from './encryption-keys';
export * from './aes-gcm.codec';
