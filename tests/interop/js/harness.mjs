// The JavaScript reference stack as a long-lived helper for our tests: one JSON request per
// line on stdin, one JSON answer per line on stdout. Offline: contexts come only from the
// product's pinned copies (plus extras a request names), did:key documents are derived.
import {readFileSync} from 'node:fs';
import {createInterface} from 'node:readline';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import jsonld from 'jsonld';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createSignCryptosuite, createVerifyCryptosuite} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = join(here, '../../../shared/src/b4g/core/jsonld/contexts');
const manifest = JSON.parse(readFileSync(join(contextsDir, 'manifest.json'), 'utf8'));
const pinned = new Map(Object.entries(manifest).map(
  ([url, entry]) => [url, JSON.parse(readFileSync(join(contextsDir, entry.file), 'utf8'))]));
const {purposes: {AssertionProofPurpose}} = jsigs;

function didKeyDocument(did) {
  const multibase = did.slice('did:key:'.length);
  const vm = {id: `${did}#${multibase}`, type: 'Multikey', controller: did,
    publicKeyMultibase: multibase};
  return {'@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did, verificationMethod: [vm], assertionMethod: [vm.id], authentication: [vm.id]};
}

function loaderFor(extra = {}, documents = {}) {
  return async url => {
    if(pinned.has(url)) {
      return {contextUrl: null, documentUrl: url, document: pinned.get(url)};
    }
    if(url in extra) {
      return {contextUrl: null, documentUrl: url, document: extra[url]};
    }
    const [base, fragment] = url.split('#');
    if(base in documents) {  // e.g. a did:web document the test fetched from a running issuer
      const doc = documents[base];
      if(!fragment) {
        return {contextUrl: null, documentUrl: url, document: doc};
      }
      const vm = (doc.verificationMethod || []).find(m => m.id === url || m.id === `#${fragment}`);
      if(!vm) {
        throw new Error(`no verification method ${url}`);
      }
      return {contextUrl: null, documentUrl: url,
        document: {'@context': doc['@context'], ...vm}};
    }
    if(url.startsWith('did:key:')) {
      const [did, fragment] = url.split('#');
      const doc = didKeyDocument(did);
      const document = fragment ? {'@context': doc['@context'], ...doc.verificationMethod[0]} : doc;
      return {contextUrl: null, documentUrl: url, document};
    }
    throw new Error(`unknown document ${url}`);
  };
}

async function keyFromSeed(seedHex) {
  const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
  const key = await Ed25519Multikey.generate({seed});
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  return key;
}

// The jcs suite comes as separate sign and verify halves.
const signing = {'eddsa-rdfc-2022': eddsaRdfc2022, 'eddsa-jcs-2022': createSignCryptosuite()};
const verifying = {'eddsa-rdfc-2022': eddsaRdfc2022, 'eddsa-jcs-2022': createVerifyCryptosuite()};

// Ed25519Signature2020 keys are their own type; the same seed gives the same key bytes.
async function legacyKeyFromSeed(seedHex) {
  const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
  const key = await Ed25519VerificationKey2020.generate({seed});
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  return key;
}

async function signingSuite(request) {
  const name = request.suite || 'eddsa-rdfc-2022';
  if(name === 'Ed25519Signature2020') {
    const key = await legacyKeyFromSeed(request.seedHex);
    return new Ed25519Signature2020({key, date: request.created});
  }
  const key = await keyFromSeed(request.seedHex);
  return new DataIntegrityProof({signer: key.signer(), cryptosuite: signing[name],
    date: request.created});
}

function verifyingSuite(document) {
  const proofs = [].concat(document.proof || []);
  const cryptosuite = verifying[proofs[0]?.cryptosuite] || eddsaRdfc2022;
  return new DataIntegrityProof({cryptosuite});
}

async function handle(request) {
  const documentLoader = loaderFor(request.extraContexts || {}, request.documents || {});
  if(request.op === 'canonize') {
    const nquads = await jsonld.canonize(request.document, {
      algorithm: 'RDFC-1.0', format: 'application/n-quads', safe: true, documentLoader});
    return {nquads};
  }
  if(request.op === 'sign') {
    const suite = await signingSuite(request);
    const signed = await jsigs.sign(structuredClone(request.document), {
      suite, purpose: new AssertionProofPurpose(), documentLoader});
    return {signed};
  }
  if(request.op === 'verify') {
    const suite = verifyingSuite(request.document);
    const result = await jsigs.verify(request.document, {
      suite, purpose: new AssertionProofPurpose(), documentLoader});
    return {verified: result.verified,
      error: result.verified ? null : String(result.error?.errors?.[0]?.message ?? result.error)};
  }
  throw new Error(`unknown op ${request.op}`);
}

const lines = createInterface({input: process.stdin});
for await (const line of lines) {
  let answer;
  try {
    answer = await handle(JSON.parse(line));
  } catch(e) {
    answer = {error: String(e?.message ?? e)};
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
