"""Drives Notebook 6 in headless Chromium through every tutorial and the editor's completion, help and Interrupt.

Usage: notebook_ui.py KERNEL_NAME NOTEBOOKS_DIR WORK_DIR. The caller installed KERNEL_NAME on JUPYTER_PATH and set
private JUPYTER_* directories. Prints one `ok ...` line per check and `browser ok` at the end; exits 1 on a failure.
Screenshots go to WORK_DIR/screenshots.
"""
import json, os, shutil, socket, subprocess, sys, time, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.action_chains import ActionChains

KERNEL, SOURCE, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
FINAL = ('COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'LOST')
TOKEN = 'escript-browser-test'
deadline = time.time() + float(os.environ.get('BROWSER_TEST_BUDGET_S', '170'))


def fail(message):
    print('FAIL ' + message, flush=True)
    sys.exit(1)


def wait_for(what, predicate, timeout=30.0, every=0.1):
    end = min(time.time() + timeout, deadline)
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    fail('timed out waiting for ' + what)


nb_dir = os.path.join(WORK, 'notebooks')
shots = os.path.join(WORK, 'screenshots')
os.makedirs(shots, exist_ok=True)
shutil.copytree(SOURCE, nb_dir, ignore=shutil.ignore_patterns('.ipynb_checkpoints'))
for name in os.listdir(nb_dir):  # run them with the kernel under test
    path = os.path.join(nb_dir, name)
    nb = json.load(open(path))
    nb['metadata']['kernelspec']['name'] = KERNEL
    json.dump(nb, open(path, 'w'))
blank = {'cells': [], 'metadata': {'kernelspec': {'name': KERNEL, 'display_name': 'elastic-script', 'language': 'elastic-script'}},
         'nbformat': 4, 'nbformat_minor': 5}
json.dump(blank, open(os.path.join(nb_dir, 'zz-editor.ipynb'), 'w'))

with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
log = open(os.path.join(WORK, 'server.log'), 'w')
server = subprocess.Popen(['/usr/bin/python3', '-m', 'notebook', '--no-browser', '--allow-root', '--ip=127.0.0.1',
                           f'--port={port}', '--port-retries=0', f'--NotebookApp.token={TOKEN}',
                           f'--notebook-dir={nb_dir}'], stdout=log, stderr=subprocess.STDOUT)
base = f'http://127.0.0.1:{port}'


def up():
    try:
        return urllib.request.urlopen(f'{base}/api/status?token={TOKEN}', timeout=2).status == 200
    except Exception:
        return False


options = webdriver.ChromeOptions()
for flag in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
             '--disable-sync', '--disable-dev-shm-usage', '--window-size=1400,1000'):
    options.add_argument(flag)
options.binary_location = '/usr/bin/chromium'
driver = None
try:
    wait_for('the notebook server', up, 60)
    driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=options)
    js = driver.execute_script

    def open_notebook(name):
        driver.get(f'{base}/notebooks/{name}?token={TOKEN}')
        wait_for(name + ' kernel ready', lambda: js('return !!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel'
                                                    ' && Jupyter.notebook.kernel.info_reply && Jupyter.notebook.kernel.info_reply.status)'), 60)

    def busy():
        return js("return Jupyter.notebook.get_cells().some(c => c.cell_type === 'code' && c.input_prompt_number === '*')")

    # the editor: highlighting, Tab completion, Shift-Tab help, Interrupt
    open_notebook('zz-editor.ipynb')
    # Notebook loads the kernel's CodeMirror mode asynchronously after kernel_info: on a loaded machine it can
    # arrive after the kernel is ready, so wait for a mode to be set and then require it to be sql.
    mode_of_cell = "var m = Jupyter.notebook.get_cell(0).code_mirror.getMode().name; return m === 'null' ? null : m"
    mode = wait_for('the editor mode', lambda: js(mode_of_cell), 30)
    if mode != 'sql':
        fail(f'editor mode is {mode!r}, expected sql')
    js("var c = Jupyter.notebook.get_cell(0); c.set_text(\"DECLARE x NUMBER = 1;\\nPRINT 'a';\\nLOOP EXIT; END LOOP;\"); c.code_mirror.refresh()")
    tokens = js("var cm = Jupyter.notebook.get_cell(0).code_mirror; return [cm.getTokenTypeAt({line: 0, ch: 2}), cm.getTokenTypeAt({line: 1, ch: 2}), cm.getTokenTypeAt({line: 2, ch: 2})]")
    if tokens != ['keyword', 'keyword', 'keyword']:
        fail(f'DECLARE / PRINT / LOOP highlighted as {tokens}')
    print('ok highlighting: DECLARE, PRINT and LOOP are keywords of the sql mode', flush=True)

    def type_at_end(text):
        js('var c = Jupyter.notebook.get_cell(0); c.set_text(arguments[0]); Jupyter.notebook.select(0); c.focus_editor();'
           ' var cm = c.code_mirror; cm.setCursor(cm.lineCount() - 1, cm.getLine(cm.lineCount() - 1).length);', text)
        return driver.find_element(By.CSS_SELECTOR, '.cell.selected .CodeMirror textarea')

    js("var c = Jupyter.notebook.get_cell(0); c.set_text(\"LOAD_SAMPLE_DATA();\"); Jupyter.notebook.execute_cell_range(0, 1)")
    time.sleep(0.3)
    wait_for('sample data', lambda: not busy(), 60, 0.2)
    area = type_at_end('FROM logs-sample | ST')
    area.send_keys(Keys.TAB)
    def completed():
        text = js('return Jupyter.notebook.get_cell(0).get_text()')
        options = js("return Array.from(document.querySelectorAll('#complete select option')).map(o => o.textContent)")
        return (text, options) if (text.endswith('STATS') or options) else None
    text, offered = wait_for('Tab completion', completed, 15)
    if not (text.endswith('| STATS') or 'STATS' in offered):
        fail(f'Tab after "| ST" gave {text!r} / {offered}')
    if any(o in ('STATUS', 'STEP') for o in offered):
        fail(f'Tab after "| ST" offers script keywords {offered}')
    print(f'ok Tab completion after "FROM logs-sample | ST": {text[-5:] if not offered else offered}', flush=True)
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()

    area = type_at_end('ARRAY_LENGTH(')
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    tip = wait_for('the Shift-Tab tooltip', lambda: js("var t = document.getElementById('tooltip'); return t && t.offsetParent !== null && t.innerText.trim() ? t.innerText : null"), 15)
    if 'ARRAY_LENGTH' not in tip or '**' in tip or '`' in tip:
        fail(f'Shift-Tab tooltip: {tip!r}')
    driver.save_screenshot(os.path.join(shots, 'shift-tab.png'))
    print('ok Shift-Tab shows plain help: ' + next(l for l in tip.split('\n') if 'ARRAY_LENGTH' in l)[:80], flush=True)
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()

    js("var c = Jupyter.notebook.get_cell(0); c.set_text('DECLARE spins NUMBER = 0;\\nLOOP\\n  SET spins = spins + 1;\\n  SLEEP(5);\\nEND LOOP;');"
       " Jupyter.notebook.execute_cell_range(0, 1)")
    time.sleep(1.5)
    if not busy():
        fail('the endless loop is not running')
    driver.find_element(By.CSS_SELECTOR, 'button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]').click()
    clicked = time.time()
    wait_for('the loop to stop after Interrupt', lambda: not busy(), 10, 0.01)
    stopped_ms = (time.time() - clicked) * 1000
    def interrupted():
        outputs = js('return Jupyter.notebook.get_cell(0).output_area.outputs')
        return any(o.get('output_type') == 'error' and 'interrupt' in (o.get('ename', '') + o.get('evalue', '')).lower() for o in outputs)
    wait_for('the interrupted cell to show an interrupted error', interrupted, 10, 0.05)
    js("var c = Jupyter.notebook.get_cell(0); c.set_text('spins > 10;'); Jupyter.notebook.execute_cell_range(0, 1)")
    time.sleep(0.3)
    wait_for('the cell after Interrupt', lambda: not busy(), 20, 0.1)
    after = js('return Jupyter.notebook.get_cell(0).output_area.outputs')
    if not after or str(after[0].get('data', {}).get('text/plain')).upper() != 'TRUE':
        fail(f'after Interrupt, spins > 10 gave {json.dumps(after)[:300]}')
    driver.save_screenshot(os.path.join(shots, 'interrupt.png'))
    print(f'ok Interrupt stopped the loop in {stopped_ms:.0f} ms (as the browser saw it) and kept its variables', flush=True)

    tutorials = sorted(n for n in os.listdir(nb_dir) if n.endswith('.ipynb') and not n.startswith('zz-'))
    for name in tutorials:
        started = time.time()
        open_notebook(name)
        js('Jupyter.notebook.execute_all_cells()')
        time.sleep(0.5)
        wait_for(name + ' to finish', lambda: not busy(), 120, 0.2)
        # live displays of background runs keep updating after their cell: wait for their final states
        # (cards of STATUS are snapshots, left out)
        def settled():
            html = js("return Array.from(document.querySelectorAll('.escript-execution')).filter(e => !e.closest('.escript-card')).map(e => e.innerText).join('\\n---\\n')")
            cards = [c for c in html.split('\n---\n') if c.strip()]
            return all(any(state in c for state in FINAL) for c in cards)
        wait_for(name + ' live displays to reach final states', settled, 30, 0.2)
        cells = js('return Jupyter.notebook.toJSON().cells')
        errors = [o for c in cells if c['cell_type'] == 'code' for o in c['outputs'] if o['output_type'] == 'error']
        if errors:
            fail(f'{name}: error outputs {json.dumps(errors)[:800]}')
        empty = [c['source'][:60] for c in cells if c['cell_type'] == 'code' and c['source'].strip() and not c['outputs']]
        if empty:
            fail(f'{name}: cells without output {empty}')
        driver.save_screenshot(os.path.join(shots, name.replace('.ipynb', '.png')))
        print(f'ok {name} ran in the Notebook UI without error outputs ({time.time() - started:.1f} s)', flush=True)

    log.flush()
    missing = [l for l in open(os.path.join(WORK, 'server.log')) if '404' in l and 'codemirror/mode' in l]
    if missing:
        fail('Notebook asked for missing editor modes: ' + ''.join(missing)[:400])
    print('ok no request for a missing CodeMirror mode', flush=True)
    print('browser ok', flush=True)
finally:
    if driver is not None:
        driver.quit()
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
