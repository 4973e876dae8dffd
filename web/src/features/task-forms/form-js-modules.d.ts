// The whole-editor bundle of form-js (aliased in web/vite.config.ts); its API is that of the ES build.
declare module '@bpmn-io/form-js/editor' {
  export { FormEditor } from '@bpmn-io/form-js';
}
