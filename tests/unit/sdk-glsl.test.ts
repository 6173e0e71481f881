import { describe, expect, it } from 'vitest';
import { shaderPair } from '../../sdk/glsl';

describe('shaderPair (pavilion/sdk)', () => {
  it('puts the shared declarations at the top of both shaders, before each one\'s own source', () => {
    const pair = shaderPair('varying float vT;', 'void main() { vT = 1.0; }', 'void main() { gl_FragColor = vec4(vT); }');
    expect(pair).toEqual({
      vertexShader: 'varying float vT;\nvoid main() { vT = 1.0; }',
      fragmentShader: 'varying float vT;\nvoid main() { gl_FragColor = vec4(vT); }',
    });
  });
});
