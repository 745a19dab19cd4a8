import {createRequire as __fastpayCreateRequire} from 'node:module'; const require = __fastpayCreateRequire(import.meta.url);
var t=["private","group","supergroup","channel"],o=/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/,e=/^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/,n="keychain:";var p=["links","linked_chats"];export{t as a,o as b,e as c,n as d,p as e};
