// `yaml` is CommonJS: a dynamic `import('yaml')` inside the CLI bundle would see only its default export. This
// ESM wrapper is what gets loaded lazily instead, so resolution stays free of yaml's cost until a file is read.
export {Document, isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq} from 'yaml'
