export * from './provider-sim';
export * from './sim.options';
export type { SimCounts, SimTask, SimAsset, SimAssetGroup, TaskStatus, AssetStatus, VolcRequestRecord } from './sim.state';
export { SimState } from './sim.state';
