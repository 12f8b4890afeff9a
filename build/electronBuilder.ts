// Why: the desktop packages' one configuration (electron-builder): what goes in the app, what
// goes beside it, and how Linux desktops show it. The agent files are extra resources outside
// the asar, because they are uploaded to hosts as files; the controller finds them there with
// the same resolver as in a checkout (electron/controller/distPaths.ts: agentDir()).
import type { Configuration } from 'electron-builder';

export const APP_ID = 'dev.seamless.desktop';

export function builderConfig(opts: { electronDist?: string; electronVersion: string; arches?: ('x64' | 'arm64')[] }): Configuration {
  const arch = opts.arches ?? ['x64'];
  return {
    appId: APP_ID,
    productName: 'Seamless',
    executableName: 'seamless',
    copyright: 'Seamless',
    electronVersion: opts.electronVersion,
    ...(opts.electronDist ? { electronDist: opts.electronDist } : {}),
    directories: { output: 'release', buildResources: 'build' },
    // Everything the shell runs is bundled by `npm run build`: no node_modules in the package.
    files: ['package.json', 'README.md', 'dist/electron/**', 'dist/renderer/**', '!**/*.map', '!node_modules/**'],
    extraResources: [{ from: 'dist/agent', to: 'agent', filter: ['manifest.json', 'executable.json', 'seamless-agent-*'] }],
    asar: true,
    npmRebuild: false,
    // Electron's fuses, flipped in the packaged binary: it cannot be used as a plain Node
    // (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect), loads only its own checked asar, and file://
    // gets no extra rights. The local agent runs as the self-contained executable instead.
    electronFuses: {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    },
    linux: {
      target: [
        { target: 'AppImage', arch },
        { target: 'deb', arch },
      ],
      icon: 'build/icons',
      category: 'System',
      synopsis: 'Kernel upgrades that keep your workloads running',
      description:
        'Upgrade the kernel of a Linux server without losing what runs on it: CRIU checkpoint into memory that survives kexec, kexec, restore.',
      maintainer: 'Seamless <team@seamless.invalid>',
      desktop: {
        entry: {
          Name: 'Seamless',
          Comment: 'Kernel upgrades that keep your workloads running',
          Categories: 'System;Utility;',
          StartupWMClass: 'Seamless',
          Terminal: 'false',
        },
      },
    },
    deb: {
      depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'],
    },
  };
}
