/**
 * How a function program is called, the same on every backend that declares `pythonFunctions`: run
 * `python3 -c <this code> <file> <function> <parameters.json> <result.json>` in the program's working
 * directory. It loads the file as a module, calls the function with the keyword arguments read from the
 * parameters file, and writes the JSON of the return value to the result file atomically, which the
 * backend reads back as the run's `result`. A missing function, parameters its signature does not take
 * (an unknown name, a missing required one; checked before the call, naming its parameters), and a
 * return value that is not JSON are each explained in one line on standard error, with exit code 2.
 *
 * Sharing one bootstrap keeps the behaviour users see (how parameters arrive, which errors they get)
 * identical whether the function runs locally, in a container or in a pod.
 */
export const pythonFunctionBootstrap = `
import importlib.util, inspect, json, os, sys
path, name, parameters_path, result_path = sys.argv[1:5]
sys.argv = [path]
sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
function = getattr(module, name, None)
if not callable(function):
    defined = sorted(k for k, v in vars(module).items() if callable(v) and getattr(v, '__module__', None) == spec.name)
    sys.stderr.write('icl: %s has no function %r; it defines: %s\\n' % (os.path.basename(path), name, ', '.join(defined) or 'none'))
    sys.exit(2)
with open(parameters_path, encoding='utf-8') as source:
    parameters = json.load(source)
try:
    signature = inspect.signature(function)
except (TypeError, ValueError):
    signature = None
if signature is not None:
    try:
        signature.bind(**parameters)
    except TypeError as error:
        given = ', '.join(sorted(parameters)) or 'no parameters'
        declared = ', '.join(str(parameter) for parameter in signature.parameters.values()) or 'none'
        sys.stderr.write('icl: %s() cannot be called with %s: %s; its parameters: %s\\n' % (name, given, error, declared))
        sys.exit(2)
result = function(**parameters)
try:
    text = json.dumps(result)
except (TypeError, ValueError) as error:
    sys.stderr.write('icl: the return value of %s() cannot be sent back as JSON: %s\\n' % (name, error))
    sys.exit(2)
with open(result_path + '.tmp', 'w', encoding='utf-8') as target:
    target.write(text)
os.replace(result_path + '.tmp', result_path)
`;
