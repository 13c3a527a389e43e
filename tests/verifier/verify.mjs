// An independent verifier for CSO Academy credentials, on Digital Bazaar's
// libraries (VC 2.0, Data Integrity, eddsa-jcs-2022, Bitstring Status List).
//
//   node verify.mjs input.json
//
// input.json: {"credential": {...}, "documents": {url: document, ...},
//              "contexts": {url: path of a local JSON-LD context file, ...}}
// Prints one JSON object: {"verified": bool, "errors": [...],
//                          "status": {"checked": bool, "revoked": bool}}
//
// Nothing is fetched from the network: every context comes from a local file
// (the npm packages' own copies, or the files the caller names) and every other
// document (the issuer's controller document, status lists) from the input.

import {readFile} from 'node:fs/promises';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import didContext from 'did-context';
import multikeyContext from '@digitalbazaar/multikey-context';

function packagedContexts() {
  // The copies the packages ship (VC 1.1 and 2.0, DID v1, Multikey v1).
  const contexts = {};
  for(const map of [credentialsContexts, didContext.contexts, multikeyContext.contexts]) {
    for(const [url, context] of map) {
      contexts[url] = context;
    }
  }
  return contexts;
}

function makeLoader({contexts, documents}) {
  return async function documentLoader(url) {
    if(url in contexts) {
      return {contextUrl: null, documentUrl: url, document: contexts[url]};
    }
    const [base, fragment] = url.split('#');
    const document = documents[base];
    if(!document) {
      throw new Error(`Not available offline: ${url}`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document};
    }
    // A verification method: the node with that id, in its document's contexts.
    const node = (document.verificationMethod || []).find(m => m.id === url);
    if(!node) {
      throw new Error(`No verification method ${url}`);
    }
    return {
      contextUrl: null,
      documentUrl: url,
      document: {'@context': document['@context'], ...node},
    };
  };
}

async function main() {
  const input = JSON.parse(await readFile(process.argv[2], 'utf8'));
  const contexts = packagedContexts();
  for(const [url, file] of Object.entries(input.contexts || {})) {
    contexts[url] = JSON.parse(await readFile(file, 'utf8'));
  }
  const documentLoader = makeLoader({contexts, documents: input.documents || {}});
  const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
  const result = await vc.verifyCredential({
    credential: input.credential,
    suite,
    documentLoader,
    checkStatus,
  });
  const errors = [];
  const collect = error => {
    if(!error) {
      return;
    }
    for(const one of (error.errors || [error])) {
      errors.push(one.message || String(one));
      if(one.cause) {
        collect(one.cause);
      }
    }
  };
  collect(result.error);
  for(const proof of result.results || []) {
    collect(proof.error);
  }
  const statuses = result.statusResult?.results || [];
  process.stdout.write(JSON.stringify({
    verified: result.verified === true,
    errors,
    status: {
      checked: statuses.length > 0 && result.statusResult.verified === true,
      revoked: statuses.some(s => s.status === true),
    },
  }) + '\n');
}

main().catch(error => {
  process.stdout.write(JSON.stringify({
    verified: false, errors: [error.message], status: {checked: false, revoked: false},
  }) + '\n');
  process.exitCode = 2;
});
