import type { Environment } from '../config/environment';
import { openShiftPlatform } from './openshift';
import { Platform } from './platform';

export type PlatformName = Environment['platform'];

/** The platforms an environment may name, by the name it uses. */
export const PLATFORMS: Readonly<Record<PlatformName, Platform>> = {
  openshift: openShiftPlatform,
};

export type { Platform, PublicPath, ExposeProps } from './platform';
