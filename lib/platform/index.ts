import type { Environment } from '../config/environment';
import { kubernetesPlatform } from './kubernetes';
import { openShiftPlatform } from './openshift';
import { Platform } from './platform';

export type PlatformConfig = Environment['platform'];

/** The platform adapter an environment's platform settings name. */
export function platformFor(config: PlatformConfig): Platform {
  switch (config.name) {
    case 'openshift':
      return openShiftPlatform({ routeLabels: config.routeLabels, clusterNetworks: config.clusterNetworks });
    case 'kubernetes':
      return kubernetesPlatform(config);
  }
}

export type { Platform, PublicPath, ExposeProps } from './platform';
