export * from './signer';
