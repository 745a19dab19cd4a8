import {createRequire as __fastpayCreateRequire} from 'node:module'; const require = __fastpayCreateRequire(import.meta.url);
var o=()=>process.getBuiltinModule("node:crypto");export{o as a};
