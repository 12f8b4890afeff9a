// Why: the layer rules as allow-lists, the way VS Code's code-import-patterns works: each folder
// names what it *may* import (its own folder, the layers under it, the packages its runtime
// has), so a new dependency across a layer is a visible decision in eslint.config.mjs rather
// than something a deny-list forgot. Relative imports are resolved against the project root.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

const builtins = new Set(builtinModules);
const isBuiltin = (spec) => spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0]);

/** "/shared/" matches a folder, "/shared/api" one module; a bare name matches that package and its subpaths. */
function matches(entry, target) {
  if (entry === '#node') return target.kind === 'node';
  if (entry.startsWith('/')) {
    if (target.kind !== 'project') return false;
    return entry.endsWith('/') ? target.path.startsWith(entry) : target.path === entry;
  }
  return target.kind === 'package' && (target.spec === entry || target.spec.startsWith(`${entry}/`));
}

function classify(spec, filename, root) {
  if (spec.startsWith('.')) {
    const abs = resolve(dirname(filename), spec);
    const path = `/${relative(root, abs)}`.replace(/\.(ts|tsx|js|mjs|cjs|mts)$/, '');
    return { kind: 'project', path, spec };
  }
  return isBuiltin(spec) ? { kind: 'node', spec } : { kind: 'package', spec };
}

export const allowedImports = {
  meta: {
    type: 'problem',
    schema: [
      {
        type: 'object',
        properties: {
          layer: { type: 'string' },
          allow: { type: 'array', items: { type: 'string' } },
          deny: {
            type: 'array',
            items: { type: 'object', properties: { path: { type: 'string' }, why: { type: 'string' } }, required: ['path', 'why'] },
          },
        },
        required: ['layer', 'allow'],
        additionalProperties: false,
      },
    ],
    messages: {
      notAllowed: '{{layer}} may not import "{{spec}}": it may import only {{allow}}.',
      denied: '{{layer}} may not import "{{spec}}" ({{why}}).',
    },
  },
  create(context) {
    const { layer, allow, deny = [] } = context.options[0];
    const root = context.cwd;
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string') return;
      const target = classify(source.value, context.filename, root);
      const denied = deny.find((d) => matches(d.path, target));
      if (denied) {
        context.report({ node, messageId: 'denied', data: { layer, spec: source.value, why: denied.why } });
        return;
      }
      if (!allow.some((a) => matches(a, target)))
        context.report({ node, messageId: 'notAllowed', data: { layer, spec: source.value, allow: allow.join(', ') } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : null),
      TSImportType: (node) => check(node, node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument),
    };
  },
};

export const layersPlugin = { rules: { 'allowed-imports': allowedImports } };
