export * from './png';
export * from './mp4';
export * from './image-type';
